/**
 * The write side of the Event API outbox: the UnitOfWork hands it the events of a unit of work inside that
 * unit's transaction, so a published event exists exactly when its change committed. The relay
 * (outbox-relay.ts) publishes the rows later. The same event list is dispatched after commit to the other
 * subscribers (mail), so the two never diverge.
 */
import type { Knex } from 'knex';
import type { DomainEvent } from '../domain/events/domain-events.js';
import type { TransactionalEventSink } from '../domain/unit-of-work.js';
import { EventOutboxRepository, type PayloadCodec } from '../db/repositories/event-outbox-repository.js';
import { isPublishedEvent } from './event-envelope.js';

export class EventOutbox implements TransactionalEventSink {
  constructor(private readonly codec: PayloadCodec) {}

  async record(trx: Knex.Transaction, events: readonly DomainEvent[]): Promise<void> {
    const rows = events
      .filter((e) => isPublishedEvent(e.name))
      .map((e) => ({ eventId: e.id, name: e.name, payload: e.payload, occurredAt: e.occurredAt }));
    await new EventOutboxRepository(trx, this.codec).insert(rows);
  }
}
