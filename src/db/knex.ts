import knexFactory, { type Knex } from 'knex';
import type { Config } from '../config.js';
import { knexConfig } from './knex-config.js';

export function createKnex(db: Config['database']): Knex {
  return knexFactory(knexConfig(db));
}
export type { Knex };
