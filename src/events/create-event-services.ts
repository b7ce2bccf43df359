/**
 * Where a change's consequences go. Deferred work (mails, SMS codes, Event API events, deferred requests) is written
 * to the outbox in the transaction of the change it belongs to, and the worker's relay delivers it, so the API never
 * talks to Bull or RabbitMQ; in-process subscribers hear of a change through the dispatcher once it has committed.
 */
import type { Platform } from '../domain/platform.js';
import { EventDispatcher } from '../domain/events/event-dispatcher.js';
import { UnitOfWork } from '../domain/unit-of-work.js';
import { EventOutbox } from './event-outbox.js';
import { outboxCodec } from './outbox-codec.js';
import { outboxNudgeChannel, outboxWants } from './outbox-wants.js';

export type EventServicesDeps = Pick<Platform, 'config' | 'logger' | 'knex' | 'redis' | 'encryptor'>;

export type EventServices = Pick<Platform, 'dispatcher' | 'uow'>;

export function createEventServices(d: EventServicesDeps): EventServices {
  const dispatcher = new EventDispatcher(d.logger);
  const nudgeChannel = outboxNudgeChannel(d.config.redisPrefix);
  const outbox = new EventOutbox({
    codec: outboxCodec(d.encryptor),
    wants: outboxWants(d.config.eventApi.enabled),
    nudge: () => void d.redis.publish(nudgeChannel, '1').catch(() => undefined), // relays poll anyway
  });
  return { dispatcher, uow: new UnitOfWork(d.knex, dispatcher, outbox) };
}
