/**
 * Knex settings for MariaDB/MySQL, built from the validated config (src/config/). Used by the server,
 * the db CLI (src/db/cli.ts), knexfile.ts and the test database helper.
 */
import { readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Knex } from 'knex';
import type { Config } from '../config/index.js';

export type DatabaseConfig = Config['database'];

export const MIGRATIONS_DIRECTORY = fileURLToPath(new URL('./migrations', import.meta.url));
export const SEEDS_DIRECTORY = fileURLToPath(new URL('./seeds', import.meta.url));

/**
 * mysql2 connection options. The database name always comes from `db.name` (src/config/database.ts already derives it
 * from DATABASE_NAME or the URL path), so a test can point the same server at another database.
 * With `withDatabase: false` the connection names no database (to CREATE or DROP one).
 */
export function connectionOptions(
  db: DatabaseConfig,
  { withDatabase = true }: { withDatabase?: boolean } = {},
): Knex.MySql2ConnectionConfig {
  const server = db.url
    ? serverFromUrl(db.url)
    : { host: db.host, port: db.port, user: db.user, password: db.password };
  return {
    ...server,
    ...(withDatabase ? { database: db.name } : {}),
    charset: 'utf8mb4',
    timezone: 'Z',
    dateStrings: false,
    supportBigNumbers: true,
    bigNumberStrings: false,
    // A server that does not answer (a host down, a network partition) fails the connection in seconds, not in
    // mysql2's 10 s: the request is answered 503 server.database_unavailable while the client still waits.
    connectTimeout: CONNECT_TIMEOUT_MS,
  };
}

function serverFromUrl(url: string): { host: string; port: number; user: string; password: string } {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
  };
}

/**
 * `timezone: 'Z'` only tells mysql2 how to convert JS Dates; the server still evaluates CURRENT_TIMESTAMP
 * (column defaults, ON UPDATE) in the session time zone. Pinning the session to UTC keeps both the same.
 */
type RawConnection = { query(sql: string, callback: (err: Error | null) => void): void };

function useUtc(conn: RawConnection, done: (err: Error | null, conn: RawConnection) => void): void {
  conn.query("SET time_zone = '+00:00'", (err) => done(err, conn));
}

/** Bounds on waiting for MariaDB (see connectionOptions and knexConfig). */
const CONNECT_TIMEOUT_MS = 5000;
/**
 * Knex waits 60 s for a pooled connection by default; a request would hang that long while the database is out of
 * reach. 10 s still covers a busy pool's queue.
 */
const ACQUIRE_TIMEOUT_MS = 10_000;

export function knexConfig(db: DatabaseConfig): Knex.Config {
  return {
    client: 'mysql2',
    acquireConnectionTimeout: ACQUIRE_TIMEOUT_MS,
    connection: connectionOptions(db),
    pool: { min: 0, max: db.poolMax, afterCreate: useUtc },
    // A failed query's message shows the statement with `?`, not its values (password digests …); see knex.ts.
    compileSqlOnError: false,
    migrations: { migrationSource },
    seeds: { seedSource },
  };
}

/*
 * Knex loads migration and seed files with its own import(), from inside node_modules. That works when Node
 * itself can load .ts (`node --import tsx`, `tsx`), but not under vitest, which transforms only the modules
 * it imports itself ("Unknown file extension .ts"). These sources list the same directories and import the files
 * from here, where vitest's loader applies. They are the configuration's sources, and tests may pass them per call.
 * The compiled build (dist/) holds .js files where the sources hold .ts: each source reads files of its own
 * extension, and a migration keeps its .ts name either way, so one database can be migrated by both.
 */
const SOURCE_EXTENSION = extname(fileURLToPath(import.meta.url));
const MIGRATION_NAME_EXTENSION = '.ts';

async function sourceFiles(directory: string): Promise<string[]> {
  return (await readdir(directory)).filter((f) => extname(f) === SOURCE_EXTENSION).sort();
}

const migrationName = (file: string) => basename(file, SOURCE_EXTENSION) + MIGRATION_NAME_EXTENSION;

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: () => sourceFiles(MIGRATIONS_DIRECTORY),
  getMigrationName: migrationName,
  getMigration: (file) => import(pathToFileURL(join(MIGRATIONS_DIRECTORY, file)).href) as Promise<Knex.Migration>,
};

export const seedSource: Knex.SeedSource<string> = {
  getSeeds: async () => (await sourceFiles(SEEDS_DIRECTORY)).map((f) => join(SEEDS_DIRECTORY, f)),
  getSeed: (path) => import(pathToFileURL(path).href) as Promise<Knex.Seed>,
};
