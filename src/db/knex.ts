import knexFactory, { type Knex } from 'knex';
import type { Config } from '../config/index.js';
import { knexConfig } from './knex-config.js';
import { hideBoundValues } from './mysql-errors.js';

export function createKnex(db: Config['database']): Knex {
  const knex = knexFactory(knexConfig(db));
  // Before the error leaves knex: whatever logs, stores or prints it later sees no bound value.
  knex.on('query-error', (err: unknown, query: { sql: string }) => hideBoundValues(err, query.sql));
  return knex;
}
export type { Knex };
