/**
 * `secrets reencrypt` and `secrets reindex` against a real database, as the runbook in docs/operations.md runs
 * them: a second encryption key and an own blind-index key are configured, the data is re-encrypted (interrupted
 * by --max-batches and resumed) and re-indexed, then the first encryption key and the derived index key are
 * dropped, and signing in with 2FA, API keys, phones, profiles, documents and stored signing keys still work.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { generateSecret } from 'otplib';
import { startTestApp, testEnvironment, type TestApp } from '../support/app.js';
import { cli, cliActivities, TEST_OPERATOR, type CliRun } from '../support/cli.js';
import {
  activeUser,
  createApiKey,
  createUser,
  SAMPLE_PROFILE,
  STRONG_PASSWORD,
  totpCode,
  uniqueEmail,
  type TestApiKey,
} from '../support/factories.js';
import { bearer, BROWSER, login, withToken } from '../support/account-client.js';
import { PNG } from '../support/sample-files.js';
import { loadConfig } from '../../src/config/index.js';
import { composeApp, createServices } from '../../src/compose.js';
import { createLogger } from '../../src/lib/logger.js';
import { Encryptor } from '../../src/lib/encryptor.js';
import { ENCRYPTED_COLUMNS } from '../../src/db/repositories/secret-columns-repository.js';
import { hmacHex } from '../../src/domain/api-keys/api-key-secrets.js';
import type { User } from '../../src/db/repositories/users-repository.js';

const key = (fill: number) => Buffer.alloc(32, fill).toString('base64');
const INDEX_KEY = key(9);
const FIRST = { BARONG_ENCRYPTION_KEYS: `1:${key(1)}` };
/** The runbook's middle step: both encryption keys, the own index key, the derived one still looked up. */
const ROTATING = {
  BARONG_ENCRYPTION_KEYS: `2:${key(2)},1:${key(1)}`,
  BARONG_BLIND_INDEX_KEY: INDEX_KEY,
  BARONG_BLIND_INDEX_PREVIOUS_KEY: 'derived',
};
/** The end: the first encryption key and the derived index key gone. */
const ROTATED = { BARONG_ENCRYPTION_KEYS: `2:${key(2)}`, BARONG_BLIND_INDEX_KEY: INDEX_KEY };

const PHONE = '12025550471';
const DOC_NUMBER = 'AB1234567';
const indexUnder = (base64Key: string, value: string) =>
  createHmac('sha256', Buffer.from(base64Key, 'base64')).update(value).digest('hex');

let t: TestApp;
let member: User & { password: string };
let otpSecret: string;
let apiKey: TestApiKey;
let plain: User;

/** The app as another process configured with `env` runs it, on `t`'s database. */
async function appWith(env: Record<string, string>) {
  const config = loadConfig({ ...process.env, ...testEnvironment(t.db.name), ...env });
  const services = await createServices(config, createLogger('silent'));
  return { ...t, config, services, app: composeApp(services).app, close: () => services.close() };
}

/** How many stored ciphertexts each key version made, over every encrypted column. */
async function versions(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [table, columns] of Object.entries(ENCRYPTED_COLUMNS)) {
    for (const column of columns) {
      for (const row of await t.db.knex(table).whereNotNull(column).select({ value: column })) {
        const version = `v${Encryptor.versionOf(row.value as string)}`;
        counts[version] = (counts[version] ?? 0) + 1;
      }
    }
  }
  return counts;
}

const lines = (run: CliRun) => run.stdout.trim().split('\n');

beforeAll(async () => {
  t = await startTestApp(FIRST);
  otpSecret = generateSecret();
  member = await activeUser(t, { otpSecret });
  apiKey = await createApiKey(t, { type: 'User', id: member.id });
  plain = await createUser(t);
  // A sign-up through the API leaves its confirmation mail in the outbox, encrypted.
  await request(t.app)
    .post('/api/v2/barong/identity/users')
    .send({ email: uniqueEmail('signup'), password: STRONG_PASSWORD })
    .expect(201);
  const token = await bearer(t, member);
  const profile = SAMPLE_PROFILE;
  await withToken(t, 'post', '/profiles', token).type('form').send(profile).expect(201);
  await withToken(t, 'post', '/documents', token)
    .field({ doc_type: 'Passport', doc_number: DOC_NUMBER, doc_expire: '2035-01-01' })
    .attach('upload', PNG, { filename: 'passport.png', contentType: 'image/png' })
    .expect(201);
  await withToken(t, 'post', '/phones', token)
    .send({ phone_number: `+${PHONE}` })
    .expect(200);
  expect((await cli(t, ['keys', 'rotate'], { env: FIRST })).code).toBe(0);
});
afterAll(async () => {
  await t?.close();
});

describe('secrets reencrypt', () => {
  it('starts from data under the first key only, in every kind of column', async () => {
    expect(await versions()).toEqual({ v1: expect.any(Number) });
    for (const table of ['users', 'api_keys', 'profiles', 'phones', 'documents', 'event_outbox', 'signing_keys']) {
      expect(await t.db.knex(table).count({ n: '*' }), table).not.toEqual([{ n: 0 }]);
    }
  });

  it('rewrites a batch at a time and stops at --max-batches, saying how to resume', async () => {
    const before = await versions();
    const run = await cli(t, ['secrets', 'reencrypt', '--batch-size', '1', '--max-batches', '2'], { env: ROTATING });
    expect(run.code).toBe(0);
    // users in id order: the member's OTP seed, then a user without 2FA.
    expect(lines(run)).toEqual([
      'users: 2 read, 1 rewritten',
      'stopped at --max-batches: run `npm run cli -- secrets reencrypt` again to resume (reencrypt:v2)',
    ]);
    expect(await versions()).toEqual({ v1: before.v1! - 1, v2: 1 });
    expect(await t.db.knex('secret_rewrite_checkpoints').select('run', 'table_name', 'last_id', 'finished_at')).toEqual(
      [{ run: 'reencrypt:v2', table_name: 'users', last_id: plain.id, finished_at: null }],
    );
  });

  it('resumes where it stopped and rewrites everything else under the newest key', async () => {
    const run = await cli(t, ['secrets', 'reencrypt', '--batch-size', '2'], { env: ROTATING });
    expect(run.code).toBe(0);
    expect(lines(run)[0]).toBe('users: 1 read, 0 rewritten');
    expect(lines(run).map((l) => l.split(':')[0])).toEqual([...Object.keys(ENCRYPTED_COLUMNS), 'complete (reencrypt']);
    expect(run.stderr).toMatch(/^secrets reencrypt: \d+\/\d+ \(profiles\)$/m);
    expect(await versions()).toEqual({ v2: expect.any(Number) });
  });

  it('is idempotent: run again it reads nothing, with --restart it reads everything and rewrites nothing', async () => {
    const stored = await t.db.knex('users').where({ id: member.id }).first('otp_secret_encrypted');
    const again = await cli(t, ['secrets', 'reencrypt'], { env: ROTATING });
    expect(lines(again).slice(0, 2)).toEqual(['users: done in an earlier run', 'api_keys: done in an earlier run']);
    const restarted = await cli(t, ['secrets', 'reencrypt', '--restart'], { env: ROTATING });
    expect(restarted.code).toBe(0);
    expect(lines(restarted)[0]).toBe('users: 3 read, 0 rewritten');
    expect(lines(restarted).filter((l) => / [1-9]\d* rewritten/.test(l))).toEqual([]);
    expect(await t.db.knex('users').where({ id: member.id }).first('otp_secret_encrypted')).toEqual(stored);
  });
});

describe('secrets reindex', () => {
  it('while it has not run, numbers are still found under the previous index key', async () => {
    const rotating = await appWith(ROTATING);
    try {
      const token = await bearer(rotating, member);
      const again = await withToken(rotating, 'post', '/phones', token)
        .send({ phone_number: `+${PHONE}` })
        .expect(400);
      expect(again.body).toEqual({ errors: ['resource.phone.exists'] });
    } finally {
      await rotating.close();
    }
  });

  it('recomputes every index under the new key, resumably', async () => {
    const first = await cli(t, ['secrets', 'reindex', '--batch-size', '1', '--max-batches', '1'], { env: ROTATING });
    expect(first.code).toBe(0);
    expect(lines(first)[0]).toBe('phones: 1 read, 1 rewritten');
    const rest = await cli(t, ['secrets', 'reindex'], { env: ROTATING });
    expect(rest.code).toBe(0);
    expect(lines(rest)).toEqual([
      'phones: 0 read, 0 rewritten',
      'documents: 1 read, 1 rewritten',
      expect.stringMatching(/^complete \(reindex:[0-9a-f]{16}\)$/),
    ]);
    expect(await t.db.knex('phones').pluck('number_index')).toEqual([indexUnder(INDEX_KEY, PHONE)]);
    expect(await t.db.knex('documents').pluck('doc_number_index')).toEqual([indexUnder(INDEX_KEY, DOC_NUMBER)]);
  });
});

describe('after the first encryption key and the derived index key are gone', () => {
  let rotated: Awaited<ReturnType<typeof appWith>>;
  beforeAll(async () => {
    rotated = await appWith(ROTATED);
  });
  afterAll(async () => {
    await rotated?.close();
  });

  it('a user with 2FA signs in with a code from their seed', async () => {
    await expect(login(rotated, member, { otpCode: await totpCode(otpSecret) })).resolves.toMatchObject({
      csrf: expect.any(String),
    });
  });

  it('an API key signs gateway calls', async () => {
    const nonce = String(Date.now());
    const res = await request(rotated.app)
      .get('/api/v2/barong/auth/api/v2/peatio/account/balances')
      .set('User-Agent', BROWSER)
      .set('X-Auth-Apikey', apiKey.kid)
      .set('X-Auth-Nonce', nonce)
      .set('X-Auth-Signature', hmacHex(apiKey.algorithm, apiKey.secret, nonce + apiKey.kid));
    expect(res.status).toBe(200);
  });

  it('phones, profiles and documents read back, and the number is found by its new index', async () => {
    const token = await bearer(rotated, member);
    expect((await withToken(rotated, 'get', '/phones', token).expect(200)).body).toEqual([
      expect.objectContaining({ number: expect.stringContaining('0471') }),
    ]);
    expect((await withToken(rotated, 'get', '/profiles/me', token).expect(200)).body).toMatchObject([
      { first_name: 'John', address: '1600 Pennsylvania Avenue NW' },
    ]);
    expect(
      (
        await withToken(rotated, 'post', '/phones', token)
          .send({ phone_number: `+${PHONE}` })
          .expect(400)
      ).body,
    ).toEqual({ errors: ['resource.phone.exists'] });
    const [document] = await rotated.services.uow.repos.documents.listByUser(member.id);
    expect(rotated.services.encryptor.decryptNullable(document!.docNumberEncrypted)).toBe(DOC_NUMBER);
  });

  it('the stored signing key still loads', async () => {
    const [stored] = await t.db.knex('signing_keys').whereNotNull('private_key_encrypted').pluck('kid');
    expect(rotated.services.jwtKeys.verificationKeys.map((k) => k.kid)).toContain(stored);
  });
});

describe('records and refusals', () => {
  it('records every run as an admin activity naming the OS user, the command and the totals', async () => {
    const runs = (await cliActivities(t)).filter((a) => a.topic === 'secrets');
    expect(runs.map((a) => [a.data.command, a.data.complete])).toEqual([
      ['secrets reencrypt', false],
      ['secrets reencrypt', true],
      ['secrets reencrypt', true],
      ['secrets reencrypt', true],
      ['secrets reindex', false],
      ['secrets reindex', true],
    ]);
    expect(runs[1]!.data).toMatchObject({
      operator: TEST_OPERATOR,
      run: 'reencrypt:v2',
      unreadable: 0,
      rewritten: expect.any(Number),
    });
  });

  it('reports rows no configured key opens, by id, and exits 1', async () => {
    await t.db.knex('users').where({ id: plain.id }).update({ otp_secret_encrypted: 'v1:AAAA:BBBB:CCCC' });
    const run = await cli(t, ['secrets', 'reencrypt', '--restart'], { env: ROTATED });
    expect(run.code).toBe(1);
    expect(lines(run)[0]).toBe(`users: 3 read, 0 rewritten, 1 unreadable (ids ${plain.id})`);
    expect(run.stderr).toContain('error: 1 rows hold a value no configured key opens');
  });
});
