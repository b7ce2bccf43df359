/**
 * Where a change's consequences go. Deferred work (mails, SMS codes, Event API events, deferred requests) is written
 * to the outbox in the transaction of the change it belongs to, and the worker's relay delivers it, so the API never
 * talks to Bull or RabbitMQ; in-process subscribers hear of a change through the dispatcher once it has committed.
 */
import type { Config } from '../config.js';
import type { Knex } from '../db/knex.js';
import type { Encryptor } from '../lib/encryptor.js';
import type { Logger } from '../lib/logger.js';
import type { Redis } from '../lib/redis.js';
import { EventDispatcher } from '../domain/events/event-dispatcher.js';
import { UnitOfWork } from '../domain/unit-of-work.js';
import { EventOutbox } from './event-outbox.js';
import { outboxCodec } from './outbox-codec.js';
import { outboxNudgeChannel, outboxWants } from './outbox-wants.js';

export interface EventServicesDeps {
  config: Config;
  logger: Logger;
  knex: Knex;
  redis: Redis;
  encryptor: Encryptor;
}

export interface EventServices {
  dispatcher: EventDispatcher;
  uow: UnitOfWork;
}

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
