/**
 * A real app for a test file: its own migrated MariaDB database, its own Redis key prefix, the same
 * composition root as production (src/compose.ts), responses validated against the contract.
 */
import type { Express } from 'express';
import { loadConfig, type Config } from '../../src/config.js';
import { createLogger } from '../../src/lib/logger.js';
import { createServices, composeApp, type Services } from '../../src/compose.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export interface TestApp {
  app: Express;
  services: Services;
  config: Config;
  db: TestDatabase;
  close(): Promise<void>;
}

export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_NAME: db.name,
    BARONG_REDIS_PREFIX: `test:${db.name}:`,
    BARONG_DEV_KEY_PATH: '.dev/test-rsa-key.pem',
    ...env,
  });
  const services = createServices(config, createLogger('silent'));
  const { app } = composeApp(services);
  return {
    app,
    services,
    config,
    db,
    async close() {
      // KEYS ignores ioredis' keyPrefix, so match on it explicitly and strip it again for DEL.
      const prefix = config.redisPrefix;
      const keys = await services.redis.keys(`${prefix}*`);
      if (keys.length) await services.redis.del(...keys.map((k) => k.slice(prefix.length)));
      await services.close();
      await db.destroy();
    },
  };
}
