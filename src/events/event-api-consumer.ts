/**
 * The Event API's side of the outbox: Barong's `system.*` and `model.*` events, signed and published to RabbitMQ
 * with a publisher confirm (docs/events.md). The token's `jti` and the AMQP message id are the event's id, so a
 * consumer can tell a re-publish.
 */
import type { DomainEvent } from '../domain/events/domain-events.js';
import {
  eventBody,
  exchangeFor,
  isPublishedEvent,
  routingKeyFor,
  signEvent,
  type EventSigningKey,
} from './event-envelope.js';
import type { EventPublisher } from './rabbitmq-publisher.js';
import type { OutboxConsumer } from './outbox-relay.js';

export function eventApiConsumer(publisher: EventPublisher, signingKey: EventSigningKey): OutboxConsumer {
  return {
    name: 'event-api',
    async deliver(event: DomainEvent): Promise<void> {
      if (!isPublishedEvent(event.name)) return;
      const jws = await signEvent(eventBody(event.name, event.payload), signingKey, { jti: event.id });
      await publisher.publish(
        exchangeFor(event.name),
        routingKeyFor(event.name),
        Buffer.from(JSON.stringify(jws)),
        event.id,
      );
    },
  };
}
