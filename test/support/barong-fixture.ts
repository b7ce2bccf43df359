/**
 * A Barong 2.6 database to import from: its schema (test/fixtures/barong/schema.sql) in a throw-away database of
 * its own, filled with `users` generated users and what hangs off them, encrypted exactly as Barong does
 * (src/import/barong/message-encryptor.ts's encrypt side, checked against Ruby's vectors in the unit tests):
 * personal data under SECRET_KEY_BASE and a few weekly salts, some in the older CBC shape; CRC32 indexes salted
 * with BARONG_CRC32_SALT; API-key secrets as Vault transit ciphertexts (the stand-in's); document files in a
 * CarrierWave `uploads/` directory. One profile value is encrypted under another key, as a value that will not open.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import bcrypt from 'bcryptjs';
import knex, { type Knex } from 'knex';
import { dropDatabase, ensureDatabase } from '../../src/db/create-database.js';
import { connectionOptions } from '../../src/db/knex-config.js';
import { BarongEncryption } from '../../src/import/barong/message-encryptor.js';
import type { RubyValue } from '../../src/import/barong/ruby-marshal.js';
import { testDatabaseConfig } from './database.js';
import { PNG } from './sample-files.js';
import type { VaultStandIn } from './vault-stand-in.js';

export const SECRET_KEY_BASE = 'f3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855f3b0c44298fc1c149afb';
export const CRC32_SALT = 'barong-crc-salt';
export const BARONG_PASSWORDS = ['Kae5ohB4-old!pass1', 'Ieth9que-old!pass2', 'Oor3aish-old!pass3'];
const SALTS = ['202001', '202047', '202133'];
const FIRST_NAMES = ['Zoë', 'Łukasz', '太郎', 'Ana María', "O'Neil"];
const LAST_NAMES = ['Ångström', 'Kowalski', '山田', 'García-López', 'Smith'];

export interface BarongPerson {
  id: number;
  uid: string;
  email: string;
  password: string;
  role: string;
  otp: boolean;
  profile: { id: number; first_name: string; last_name: string; dob: string; address: string };
  phone?: { id: number; number: string };
  document?: { id: number; number: string; file: string; bytes: Buffer };
  apiKey?: { id: number; kid: string; secret: string };
}

export interface BarongSourceFixture {
  name: string;
  url: string;
  knex: Knex;
  uploadsDir: string;
  people: BarongPerson[];
  /** The profile whose first name was encrypted under another SECRET_KEY_BASE. */
  unreadableProfileId: number;
  /** Rows per Barong table. */
  counts: Record<string, number>;
  destroy(): Promise<void>;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const at = (day: number) =>
  new Date(Date.UTC(2021, 0, 1) + day * 86_400_000).toISOString().slice(0, 19).replace('T', ' ');

async function insertAll(db: Knex, table: string, rows: Record<string, unknown>[]) {
  for (let i = 0; i < rows.length; i += 500) await db(table).insert(rows.slice(i, i + 500));
}

export async function createBarongSource(opts: {
  users: number;
  vault: VaultStandIn;
  uploadsDir: string;
  vaultAppName?: string;
}): Promise<BarongSourceFixture> {
  const config = { ...testDatabaseConfig(), name: `barong_src_${hex(4)}` };
  await ensureDatabase(config);
  const db = knex({
    client: 'mysql2',
    connection: { ...connectionOptions(config), multipleStatements: true },
    pool: { min: 0, max: 2 },
  });
  const schema = await readFile(new URL('../fixtures/barong/schema.sql', import.meta.url), 'utf8');
  await db.raw(schema);

  const app = opts.vaultAppName ?? 'barong';
  const barong = new BarongEncryption(SECRET_KEY_BASE);
  const stranger = new BarongEncryption('a different secret key base');
  const digests = BARONG_PASSWORDS.map((p) => bcrypt.hashSync(p, 4).replace(/^\$2b\$/, '$2a$'));
  const enc = (value: RubyValue, id: number) =>
    barong.encrypt(value, SALTS[id % SALTS.length]!, id % 5 === 0 ? 'cbc' : 'gcm');
  const str = (value: string): RubyValue => ({ kind: 'string', value });

  const people: BarongPerson[] = [];
  const rows: Record<string, Record<string, unknown>[]> = {};
  const add = (table: string, row: Record<string, unknown>) => (rows[table] ??= []).push(row);
  let unreadableProfileId = 0;

  add('levels', {
    id: 1,
    key: 'email',
    value: 'verified',
    description: 'Level 1',
    created_at: at(0),
    updated_at: at(0),
  });
  add('levels', { id: 2, key: 'phone', value: 'verified', description: null, created_at: at(0), updated_at: at(0) });
  add('levels', { id: 3, key: 'identity', value: null, description: 'Level 3', created_at: at(0), updated_at: at(0) });
  const rules: [string, string, string, string][] = [
    ['ACCEPT', 'superadmin', 'ALL', 'api/v2/barong/admin'],
    ['ACCEPT', 'member', 'ALL', 'api/v2/barong/resource'],
    ['ACCEPT', 'member', 'ALL', 'api/v2/peatio'],
    ['ACCEPT', 'superadmin', 'ALL', 'api/v2/peatio'],
    ['ACCEPT', 'service_account', 'ALL', 'api/v2/peatio'],
  ];
  rules.forEach(([action, role, verb, p], i) =>
    add('permissions', { id: i + 1, action, role, verb, path: p, topic: null, created_at: at(0), updated_at: at(0) }),
  );
  add('restrictions', {
    id: 1,
    category: 'blacklist',
    scope: 'ip',
    value: '203.0.113.9',
    code: null,
    state: 'enabled',
    created_at: at(0),
    updated_at: at(0),
  });

  const uploads = path.join(opts.uploadsDir, 'document', 'upload');
  for (let id = 1; id <= opts.users; id++) {
    const uid = `ID${hex(5).toUpperCase()}`;
    const person: BarongPerson = {
      id,
      uid,
      email: `user${id}@barong.test`,
      password: BARONG_PASSWORDS[id % BARONG_PASSWORDS.length]!,
      role: id === 1 ? 'superadmin' : 'member',
      otp: id % 7 === 0,
      profile: {
        id,
        first_name: FIRST_NAMES[id % FIRST_NAMES.length]!,
        last_name: `${LAST_NAMES[id % LAST_NAMES.length]!} ${id}`,
        dob: `19${50 + (id % 50)}-0${1 + (id % 9)}-1${id % 10}`,
        address: `${id} Rue de l'Église, Apt. ${id % 40}`,
      },
    };
    people.push(person);
    add('users', {
      id,
      uid,
      username: id % 4 === 0 ? `user_${id}` : null,
      email: person.email,
      password_digest: digests[id % digests.length],
      role: person.role,
      data: id % 3 === 0 ? '{"language":"fr"}' : null,
      level: 1 + (id % 3),
      otp: person.otp ? 1 : 0,
      state: id % 50 === 0 ? 'banned' : 'active',
      referral_id: id > 10 && id % 10 === 1 ? id - 10 : null,
      created_at: at(id % 300),
      updated_at: at((id % 300) + 1),
    });
    add('labels', {
      user_id: id,
      key: 'email',
      value: 'verified',
      scope: 'private',
      created_at: at(1),
      updated_at: at(1),
    });
    if (person.otp)
      add('labels', {
        user_id: id,
        key: 'otp',
        value: 'enabled',
        scope: 'private',
        created_at: at(2),
        updated_at: at(2),
      });
    const p = person.profile;
    let firstName = await enc(str(p.first_name), id);
    if (id === 3) {
      firstName = await stranger.encrypt(str(p.first_name), SALTS[0]!);
      unreadableProfileId = id;
    }
    add('profiles', {
      id,
      user_id: id,
      author: null,
      applicant_id: null,
      first_name_encrypted: firstName,
      last_name_encrypted: await enc(str(p.last_name), id),
      dob_encrypted: await enc({ kind: 'date', value: p.dob }, id),
      address_encrypted: await enc(str(p.address), id),
      postcode: `${10000 + id}`,
      city: 'Paris',
      country: 'FR',
      state: id % 4 === 0 ? 3 : 1,
      metadata: null,
      created_at: at(3),
      updated_at: at(4),
    });
    if (id % 2 === 0) {
      person.phone = { id: id / 2, number: `3361234${String(id).padStart(4, '0')}` };
      add('phones', {
        id: person.phone.id,
        user_id: id,
        country: 'FR',
        code: '12345',
        number_encrypted: await enc(str(person.phone.number), id),
        number_index: crc32(person.phone.number + CRC32_SALT),
        validated_at: at(5),
        created_at: at(5),
        updated_at: at(5),
      });
    }
    if (id % 3 === 0) {
      const docId = id / 3;
      const bytes = Buffer.concat([PNG, Buffer.from(`barong document ${docId} ${hex(8)}`)]);
      person.document = { id: docId, number: `AB${String(id).padStart(7, '0')}`, file: 'passport_scan.png', bytes };
      await mkdir(path.join(uploads, String(docId)), { recursive: true });
      await writeFile(path.join(uploads, String(docId), person.document.file), bytes);
      add('documents', {
        id: docId,
        user_id: id,
        upload: person.document.file,
        doc_type: 'Passport',
        doc_expire: '2031-05-01',
        doc_number_encrypted: await enc(str(person.document.number), id),
        doc_number_index: crc32(person.document.number + CRC32_SALT),
        doc_issue: null,
        doc_category: null,
        identificator: `ident-${docId}`,
        metadata: null,
        created_at: at(6),
        updated_at: at(6),
      });
    }
    if (id % 4 === 2) {
      person.apiKey = { id: (id + 2) / 4, kid: hex(8), secret: hex(16) };
      add('apikeys', {
        id: person.apiKey.id,
        key_holder_account_id: id,
        key_holder_account_type: 'User',
        kid: person.apiKey.kid,
        algorithm: 'HS256',
        scope: id % 8 === 2 ? '--- []\n' : '---\n- trade\n- read\n',
        secret_encrypted: opts.vault.encrypt(`${app}_apikeys_secret`, person.apiKey.secret),
        state: 'active',
        created_at: at(7),
        updated_at: at(7),
      });
    }
    add('activities', {
      user_id: id,
      target_uid: null,
      category: 'user',
      user_ip: '192.0.2.1',
      user_ip_country: null,
      user_agent: 'Mozilla/5.0',
      topic: 'session',
      action: 'login',
      result: 'succeed',
      data: null,
      created_at: id === 2 ? null : at(8),
    });
  }
  add('service_accounts', {
    id: 1,
    uid: `SI${hex(5).toUpperCase()}`,
    owner_id: 2,
    email: 'user2+bot@barong.test',
    role: 'service_account',
    level: 0,
    state: 'active',
    created_at: at(9),
    updated_at: at(9),
  });
  add('comments', {
    user_id: 2,
    author_uid: people[0]!.uid,
    title: 'KYC',
    data: 'checked by phone',
    created_at: at(10),
    updated_at: at(10),
  });
  add('data_storages', {
    user_id: 2,
    title: 'personal',
    data: '{"nationality":"FR"}',
    created_at: at(10),
    updated_at: at(10),
  });

  for (const [table, list] of Object.entries(rows)) await insertAll(db, table, list);
  const counts = Object.fromEntries(Object.entries(rows).map(([table, list]) => [table, list.length]));
  const server = connectionOptions(config) as { host: string; port: number; user: string; password?: string };
  const auth = `${encodeURIComponent(server.user)}${server.password ? `:${encodeURIComponent(server.password)}` : ''}`;
  return {
    name: config.name,
    url: `mysql://${auth}@${server.host}:${server.port}/${config.name}`,
    knex: db,
    uploadsDir: opts.uploadsDir,
    people,
    unreadableProfileId,
    counts,
    async destroy() {
      await db.destroy();
      await dropDatabase(config);
    },
  };
}
