/**
 * A throw-away MariaDB database per test file: `barong_test_<8 hex>`, migrated and seeded.
 * Always call destroy() (e.g. in afterAll): it closes the pool and drops the database.
 */
import { randomBytes } from 'node:crypto';
import knex, { type Knex } from 'knex';
import { loadConfig, type Config } from '../../src/config/index.js';
import { dropDatabase, ensureDatabase } from '../../src/db/create-database.js';
import { knexConfig, migrationSource, seedSource } from '../../src/db/knex-config.js';

export interface TestDatabase {
  knex: Knex;
  name: string;
  config: Config['database'];
  destroy(): Promise<void>;
}

export function testDatabaseConfig(): Config['database'] {
  const base = loadConfig({ ...process.env, NODE_ENV: 'test' }).database;
  return { ...base, name: `barong_test_${randomBytes(4).toString('hex')}` };
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const config = testDatabaseConfig();
  await ensureDatabase(config);
  const db = knex(knexConfig(config));
  try {
    // The module sources, not knex's file loader: knex cannot import .ts files under vitest (knex-config.ts).
    await db.migrate.latest({ migrationSource });
    await db.seed.run({ seedSource });
  } catch (err) {
    await db.destroy();
    await dropDatabase(config);
    throw err;
  }
  return {
    knex: db,
    name: config.name,
    config,
    async destroy() {
      await db.destroy();
      await dropDatabase(config);
    },
  };
}
