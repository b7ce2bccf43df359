/** Creates and drops the database itself, over a connection that names no database. */
import knex from 'knex';
import { connectionOptions, type DatabaseConfig } from './knex-config.js';

const SAFE_NAME = /^[A-Za-z0-9_]+$/;

function checkedName(name: string): string {
  // The name is spliced into DDL (identifiers cannot be bound), so only plain names are accepted.
  if (!SAFE_NAME.test(name))
    throw new Error(`invalid database name ${JSON.stringify(name)}: use letters, digits and _`);
  return name;
}

async function withServer(db: DatabaseConfig, sql: string): Promise<void> {
  const server = knex({
    client: 'mysql2',
    connection: connectionOptions(db, { withDatabase: false }),
    pool: { min: 0, max: 1 },
  });
  try {
    await server.raw(sql);
  } finally {
    await server.destroy();
  }
}

export async function ensureDatabase(db: DatabaseConfig): Promise<void> {
  const name = checkedName(db.name);
  await withServer(db, `CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
}

export async function dropDatabase(db: DatabaseConfig): Promise<void> {
  const name = checkedName(db.name);
  await withServer(db, `DROP DATABASE IF EXISTS \`${name}\``);
}
