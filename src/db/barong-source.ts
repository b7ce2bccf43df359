/**
 * A running Barong 2.6's MySQL database, read only, for `npm run cli -- import barong --from mysql://…`. Rows come
 * in id order, a batch at a time, with dates as the strings MySQL holds: Rails writes UTC, and the session is
 * pinned to UTC so TIMESTAMP columns read back as written.
 */
import knexFactory, { type Knex } from 'knex';
import type { Row } from './row.js';

/** The Barong tables the import reads (db/schema.rb 2021_04_07_094208). */
export const BARONG_TABLES = [
  'levels',
  'permissions',
  'restrictions',
  'users',
  'service_accounts',
  'labels',
  'profiles',
  'phones',
  'documents',
  'apikeys',
  'activities',
  'comments',
  'data_storages',
] as const;
export type BarongTable = (typeof BARONG_TABLES)[number];

export class BarongSource {
  private constructor(private readonly db: Knex) {}

  static open(url: string): BarongSource {
    const u = new URL(url);
    if (u.protocol !== 'mysql:' && u.protocol !== 'mysql2:') throw new Error('--from takes a mysql:// URL');
    const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
    if (!database) throw new Error('--from names no database (mysql://user:pass@host:port/<database>)');
    const db = knexFactory({
      client: 'mysql2',
      connection: {
        host: u.hostname,
        port: u.port ? Number(u.port) : 3306,
        user: decodeURIComponent(u.username),
        password: decodeURIComponent(u.password),
        database,
        charset: 'utf8mb4',
        timezone: 'Z',
        dateStrings: true,
        supportBigNumbers: true,
        bigNumberStrings: false,
      },
      pool: {
        min: 0,
        max: 2,
        afterCreate(
          conn: { query(sql: string, cb: (err: Error | null) => void): void },
          done: (e: Error | null, c: unknown) => void,
        ) {
          // Only reads: the session may not write, whatever the account's grants allow.
          conn.query("SET time_zone = '+00:00'", (err) =>
            err ? done(err, conn) : conn.query('SET SESSION TRANSACTION READ ONLY', (e) => done(e, conn)),
          );
        },
      },
      compileSqlOnError: false,
    });
    return new BarongSource(db);
  }

  /** The tables of BARONG_TABLES this database lacks: a database that is not Barong 2.6's is refused up front. */
  async missingTables(): Promise<string[]> {
    const rows: Row[] = await this.db('information_schema.tables')
      .where('table_schema', this.db.raw('DATABASE()'))
      .select('table_name as name');
    const present = new Set(rows.map((r) => String(r.name ?? r.NAME)));
    return BARONG_TABLES.filter((t) => !present.has(t));
  }

  async count(table: BarongTable): Promise<number> {
    const [row]: Row[] = await this.db(table).count({ n: '*' });
    return Number(row?.n ?? 0);
  }

  /** Up to `limit` rows with ids above `afterId`, in id order. */
  batch(table: BarongTable, afterId: number, limit: number): Promise<Row[]> {
    return this.db(table).where('id', '>', afterId).orderBy('id').limit(limit).select('*');
  }

  /** The uids of the users with these ids. */
  async userUids(ids: readonly number[]): Promise<Map<number, string>> {
    if (!ids.length) return new Map();
    const rows: Row[] = await this.db('users').whereIn('id', ids).select('id', 'uid');
    return new Map(rows.map((r) => [Number(r.id), String(r.uid)]));
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}
