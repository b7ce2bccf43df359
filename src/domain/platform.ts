/** The process's connections and keys, and where changes go: what every area's services may be built from. */
import type { Config } from '../config/index.js';
import type { Knex } from '../db/knex.js';
import type { Encryptor } from '../lib/encryptor.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { RedisClient, RedisKeys } from '../lib/redis.js';
import type { EventDispatcher } from './events/event-dispatcher.js';
import type { KeyRing } from './keys/key-ring.js';
import type { UnitOfWork } from './unit-of-work.js';

export interface Platform {
  config: Config;
  logger: Logger;
  knex: Knex;
  redis: RedisClient;
  redisKeys: RedisKeys;
  /** The JWT keys, the stored ones read again on a timer (stopped when the services close). */
  jwtKeys: KeyRing;
  encryptor: Encryptor;
  /** The process's Prometheus series (src/lib/metrics.ts). */
  metrics: Metrics;
  dispatcher: EventDispatcher;
  uow: UnitOfWork;
}
