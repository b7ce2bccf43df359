import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import knex, { type Knex } from 'knex';
import { dropDatabase, ensureDatabase } from '../../src/db/create-database.js';
import { knexConfig, migrationSource, seedSource } from '../../src/db/knex-config.js';
import { createTestDatabase, testDatabaseConfig } from '../support/database.js';

const TABLES = [
  'activities',
  'api_keys',
  'comments',
  'data_storages',
  'documents',
  'event_outbox',
  'labels',
  'levels',
  'permissions',
  'phones',
  'profiles',
  'restrictions',
  'secret_rewrite_checkpoints',
  'service_accounts',
  'signing_keys',
  'users',
];
const KNEX_TABLES = ['knex_migrations', 'knex_migrations_lock'];

interface IndexInfo {
  unique: boolean;
  columns: string[];
}

const SLOW = 60_000;

describe('migrations on an empty database', () => {
  const config = testDatabaseConfig();
  let db: Knex;

  async function tables(): Promise<string[]> {
    const rows: { name: string }[] = await db('information_schema.TABLES')
      .where({ TABLE_SCHEMA: config.name })
      .select('TABLE_NAME as name');
    return rows.map((r) => r.name).sort();
  }

  async function indexes(table: string): Promise<IndexInfo[]> {
    const rows: { name: string; nonUnique: number; column: string }[] = await db('information_schema.STATISTICS')
      .where({ TABLE_SCHEMA: config.name, TABLE_NAME: table })
      .orderBy([{ column: 'INDEX_NAME' }, { column: 'SEQ_IN_INDEX' }])
      .select('INDEX_NAME as name', 'NON_UNIQUE as nonUnique', 'COLUMN_NAME as column');
    const byName = new Map<string, IndexInfo>();
    for (const r of rows) {
      const index = byName.get(r.name) ?? { unique: Number(r.nonUnique) === 0, columns: [] };
      index.columns.push(r.column);
      byName.set(r.name, index);
    }
    return [...byName.values()];
  }

  const user = (email: string, uid: string, emailKey = email.toLowerCase()) => ({
    uid,
    email,
    email_key: emailKey,
    password_digest: 'x',
  });

  beforeAll(async () => {
    await ensureDatabase(config);
    db = knex(knexConfig(config));
  }, SLOW);

  afterAll(async () => {
    await db?.destroy();
    await dropDatabase(config);
  }, SLOW);

  it(
    'starts empty and migrate.latest creates every table',
    async () => {
      expect(await tables()).toEqual([]);
      await db.migrate.latest({ migrationSource });
      expect(await tables()).toEqual([...TABLES, ...KNEX_TABLES].sort());
    },
    SLOW,
  );

  it('creates the key indexes', async () => {
    const users = await indexes('users');
    for (const column of ['email_key', 'uid', 'username'])
      expect(users).toContainEqual({ unique: true, columns: [column] });
    expect(users).toContainEqual({ unique: false, columns: ['email'] });
    // The admin user list's filters and ordering (20261229000001_add_users_listing_indexes.ts).
    for (const columns of [['state', 'level', 'role', 'created_at'], ['role', 'created_at'], ['created_at']])
      expect(users).toContainEqual({ unique: false, columns });
    expect(await indexes('api_keys')).toContainEqual({ unique: true, columns: ['kid'] });
    expect(await indexes('labels')).toContainEqual({ unique: true, columns: ['user_id', 'key', 'scope'] });
    expect(await indexes('activities')).toContainEqual({ unique: false, columns: ['user_id', 'created_at'] });
    expect(await indexes('restrictions')).toContainEqual({ unique: true, columns: ['category', 'scope', 'value'] });
  });

  it('uses InnoDB and utf8mb4_unicode_ci for every table', async () => {
    const rows: { engine: string; collation: string }[] = await db('information_schema.TABLES')
      .where({ TABLE_SCHEMA: config.name })
      .whereIn('TABLE_NAME', TABLES)
      .select('ENGINE as engine', 'TABLE_COLLATION as collation');
    expect(rows).toHaveLength(TABLES.length);
    for (const row of rows) expect(row).toEqual({ engine: 'InnoDB', collation: 'utf8mb4_unicode_ci' });
  });

  it(
    'rolls everything back, leaving only knex tables, and migrates again',
    async () => {
      await db.migrate.rollback({ migrationSource }, true);
      expect(await tables()).toEqual(KNEX_TABLES);
      const [, files] = (await db.migrate.latest({ migrationSource })) as [number, string[]];
      expect(files).toEqual(await migrationSource.getMigrations([]));
      expect(await tables()).toEqual([...TABLES, ...KNEX_TABLES].sort());
    },
    SLOW,
  );

  it(
    'seeds 3 levels and the default permissions, and re-seeding adds nothing',
    async () => {
      await db.seed.run({ seedSource });
      const levels = await db('levels').orderBy('id').select('id', 'key', 'value');
      expect(levels).toEqual([
        { id: 1, key: 'email', value: 'verified' },
        { id: 2, key: 'phone', value: 'verified' },
        { id: 3, key: 'document', value: 'verified' },
      ]);
      const count = async (table: string) => Number((await db(table).count({ n: '*' }).first())?.n);
      const permissions = await count('permissions');
      expect(permissions).toBeGreaterThan(0);
      const memberResource = await db('permissions')
        .where({ role: 'member', verb: 'ALL', path: 'api/v2/barong/resource' })
        .first();
      expect(memberResource).toMatchObject({ action: 'ACCEPT', topic: null });

      await db.seed.run({ seedSource });
      expect(await count('levels')).toBe(3);
      expect(await count('permissions')).toBe(permissions);
    },
    SLOW,
  );

  it('does not overwrite edited seed data', async () => {
    await db('levels').where({ id: 3 }).update({ description: 'edited by an admin' });
    await db('permissions').where({ role: 'sa_maker' }).delete();
    await db.seed.run({ seedSource });
    expect((await db('levels').where({ id: 3 }).first())?.description).toBe('edited by an admin');
    expect(await db('permissions').where({ role: 'sa_maker' })).toEqual([]);
  });

  it('keeps e-mail keys unique byte for byte: a look-alike address is another key', async () => {
    await db('users').insert(user('a@x.io', 'ID0000000001'));
    await expect(db('users').insert(user('A@x.io', 'ID0000000002'))).rejects.toMatchObject({ code: 'ER_DUP_ENTRY' });
    await db('users').insert(user('\u00e1@x.io', 'ID0000000003'));
    await db('users').insert(user('\uff41@x.io', 'ID0000000004'));
    await db('users').whereIn('uid', ['ID0000000003', 'ID0000000004']).delete();
  });

  it(
    'fills email_key for the accounts that exist when the column is added',
    async () => {
      await db.migrate.down({ migrationSource, name: '20261201000001_add_users_email_key.ts' });
      await db('users').insert({ uid: 'ID0000000009', email: ' Rene\u0301e@X.io', password_digest: 'x' });
      await db.migrate.latest({ migrationSource });
      expect(await db('users').orderBy('id').select('email_key')).toEqual([
        { email_key: 'a@x.io' },
        { email_key: 'ren\u00e9e@x.io' },
      ]);
      await db('users').where({ uid: 'ID0000000009' }).delete();
    },
    SLOW,
  );

  it('applies column defaults and cascades user deletion', async () => {
    const row = await db('users').where({ email: 'a@x.io' }).first();
    expect(row).toMatchObject({ role: 'member', level: 0, otp: 0, state: 'pending', referral_id: null });
    // Server-side defaults are UTC (session time_zone), as are the Dates mysql2 converts (timezone 'Z').
    expect(row.created_at).toBeInstanceOf(Date);
    expect(Math.abs(row.created_at.getTime() - Date.now())).toBeLessThan(60_000);
    expect(await db.raw('SELECT @@session.time_zone AS tz')).toMatchObject([[{ tz: '+00:00' }], expect.anything()]);
    await db('labels').insert({ user_id: row.id, key: 'email', value: 'verified', scope: 'private' });
    await db('activities').insert({
      user_id: row.id,
      user_ip: '127.0.0.1',
      user_agent: 'test',
      topic: 'session',
      action: 'login',
      result: 'succeed',
    });
    await db('users').where({ id: row.id }).delete();
    expect(await db('labels').where({ user_id: row.id })).toEqual([]);
    expect(await db('activities').where({ user_id: row.id })).toEqual([]);
  });
});

describe('createTestDatabase', () => {
  it(
    'gives a migrated, seeded database and drops it on destroy',
    async () => {
      const test = await createTestDatabase();
      let dropped: boolean | undefined;
      try {
        expect(test.name).toMatch(/^barong_test_[0-9a-f]{8}$/);
        expect(await test.knex('levels').count({ n: '*' }).first()).toEqual({ n: 3 });
      } finally {
        await test.destroy();
        const probe = knex(knexConfig({ ...test.config, name: 'information_schema' }));
        try {
          dropped = (await probe('SCHEMATA').where({ SCHEMA_NAME: test.name }).first()) === undefined;
        } finally {
          await probe.destroy();
        }
      }
      expect(dropped).toBe(true);
    },
    SLOW,
  );
});
