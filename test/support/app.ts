/**
 * A real app for a test file: its own migrated MariaDB database, its own Redis key prefix, the same
 * composition root as production (src/compose.ts), responses validated against the contract.
 */
import type { Express } from 'express';
import { loadConfig, type Config } from '../../src/config/index.js';
import { createLogger, type Logger } from '../../src/lib/logger.js';
import { createServices, composeApp, type Services } from '../../src/compose.js';
import { createOutboxRelay, type OutboxRelayHandle } from '../../src/events/start-outbox-relay.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { deleteKeysWithPrefix } from './redis.js';

export interface TestApp {
  app: Express;
  services: Services;
  config: Config;
  db: TestDatabase;
  /**
   * Carries out the deferred work of the requests so far, as the worker's relay would (src/events/): runs the real
   * relay until no due outbox row is left. Mails and SMS become jobs on the queues (sent only if a worker runs).
   */
  drainOutbox(): Promise<void>;
  close(): Promise<void>;
}

/** The settings of a test app on database `dbName`, for another process (or the CLI) working beside it. */
export function testEnvironment(dbName: string): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_NAME: dbName,
    BARONG_REDIS_PREFIX: `test:${dbName}:`,
    BARONG_DEV_KEY_PATH: '.dev/test-rsa-key.pem',
    BARONG_DOMAIN: 'https://exchange.test',
    // Cheap hashing in tests only; production keeps OWASP's argon2id parameters.
    BARONG_ARGON2_MEMORY_COST: '1024',
    BARONG_ARGON2_TIME_COST: '1',
  };
}

/** `logger`: where the app logs (silent unless given; the fuzzer keeps the causes of 5xx answers). */
export async function startTestApp(
  env: Record<string, string> = {},
  options: { logger?: Logger } = {},
): Promise<TestApp> {
  const db = await createTestDatabase();
  const config = loadConfig({ ...process.env, ...testEnvironment(db.name), ...env });
  const services = await createServices(config, options.logger ?? createLogger('silent'));
  const { app } = composeApp(services);
  let relay: Promise<OutboxRelayHandle> | undefined;
  return {
    app,
    services,
    config,
    db,
    async drainOutbox() {
      relay ??= createOutboxRelay(config, createLogger('silent'));
      await (await relay).relay.drain();
    },
    async close() {
      await (await relay)?.stop();
      await deleteKeysWithPrefix(services.redis, config.redisPrefix);
      await services.close();
      await db.destroy();
    },
  };
}

/**
 * A second API process's composition on `t`'s database and Redis prefix: its own in-memory policy and its own
 * invalidation subscriber, as another API instance behind the same gateway has.
 */
export async function startSibling(t: TestApp): Promise<{ app: Express; services: Services; close(): Promise<void> }> {
  const services = await createServices(t.config, createLogger('silent'));
  const { app } = composeApp(services);
  return { app, services, close: () => services.close() };
}
