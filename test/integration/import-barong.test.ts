/**
 * `npm run cli -- import barong` from a generated Barong 2.6 database (test/support/barong-fixture.ts) into a
 * freshly migrated one, then over HTTP against the imported server: old passwords sign in (and are rehashed),
 * an imported API key authorises at the gateway with its old secret, personal data and document numbers read back
 * as they were, a stored document downloads byte for byte. A dry run writes nothing; an interrupted import
 * resumes; a second import changes nothing, a later one carries only what changed in Barong.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { composeApp, createServices, type Services } from '../../src/compose.js';
import { hmacHex } from '../../src/domain/api-keys/api-key-secrets.js';
import { createLogger } from '../../src/lib/logger.js';
import { startTestApp, testEnvironment, type TestApp } from '../support/app.js';
import { BROWSER, login } from '../support/account-client.js';
import {
  createBarongSource,
  CRC32_SALT,
  SECRET_KEY_BASE,
  type BarongSourceFixture,
} from '../support/barong-fixture.js';
import { cli, type CliRun } from '../support/cli.js';
import { createUser, totpCode } from '../support/factories.js';
import { BarongEncryption } from '../../src/import/barong/message-encryptor.js';
import { startVaultStandIn, type VaultStandIn } from '../support/vault-stand-in.js';
import { startVaultTotpStandIn, type VaultTotpStandIn } from '../support/vault-totp-stand-in.js';
import { userClaims } from '../../src/domain/tokens/session-jwt.js';

const USERS = 120;
const TABLES = [
  'levels',
  'permissions',
  'restrictions',
  'users',
  'service_accounts',
  'labels',
  'profiles',
  'phones',
  'documents',
  'api_keys',
  'activities',
  'comments',
  'data_storages',
];

let t: TestApp;
let vault: VaultStandIn;
let source: BarongSourceFixture;
let dir: string;
let storageDir: string;
let flags: string[];
let imported: { app: ReturnType<typeof composeApp>['app']; services: Services } | undefined;

const importBarong = (extra: string[] = []): Promise<CliRun> =>
  cli(t, ['import', 'barong', ...flags, ...extra], {
    env: { VAULT_TOKEN: vault.token, BARONG_STORAGE_LOCAL_PATH: storageDir },
  });

/** Every row of every imported table, as a digest: what "changes nothing" compares. */
async function snapshot(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of TABLES) {
    const rows = await t.db.knex(table).orderBy('id').select('*');
    out[table] = createHash('sha256').update(JSON.stringify(rows)).digest('hex');
  }
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'barong-import-'));
  storageDir = path.join(dir, 'ours');
  vault = await startVaultStandIn();
  source = await createBarongSource({ users: USERS, vault, uploadsDir: path.join(dir, 'uploads') });
  t = await startTestApp({ BARONG_STORAGE_LOCAL_PATH: storageDir });
  // The runbook's target: migrated, not seeded (Barong's levels and permissions come with the import).
  for (const table of ['levels', 'permissions']) await t.db.knex(table).delete();
  await writeFile(path.join(dir, 'secret_key_base'), `${SECRET_KEY_BASE}\n`);
  await writeFile(path.join(dir, 'crc32_salt'), CRC32_SALT);
  flags = [
    '--from',
    source.url,
    '--secret-key-base-file',
    path.join(dir, 'secret_key_base'),
    '--crc32-salt-file',
    path.join(dir, 'crc32_salt'),
    '--vault-addr',
    vault.url,
    '--uploads',
    path.join(dir, 'uploads'),
    '--batch-size',
    '50',
  ];
}, 120_000);

afterAll(async () => {
  await imported?.services.close();
  await t?.close();
  await source?.destroy();
  await vault?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('import barong', () => {
  it('--dry-run reads, decrypts and checks everything and writes nothing', async () => {
    const run = await importBarong(['--dry-run']);
    expect(run.stderr).not.toMatch(/error:/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`users → users: barong ${USERS}, importable ${USERS}, ours 0, would write ${USERS}`),
    );
    expect(run.stdout).toContain('dry run: nothing was written');
    expect(await t.db.knex('users').count({ n: '*' })).toEqual([{ n: 0 }]);
    expect(await t.db.knex('secret_rewrite_checkpoints').count({ n: '*' })).toEqual([{ n: 0 }]);
  }, 120_000);

  it('stops at --max-batches and resumes where it stopped', async () => {
    const first = await importBarong(['--max-batches', '5']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('stopped at --max-batches');
    const partial = Number((await t.db.knex('users').count({ n: '*' }))[0]!.n);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(USERS);

    const second = await importBarong();
    expect(second.stderr).not.toMatch(/error:/);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('complete: every table matches');
    for (const [table, count] of Object.entries(source.counts)) {
      const ours = table === 'apikeys' ? 'api_keys' : table;
      expect(Number((await t.db.knex(ours).count({ n: '*' }))[0]!.n), table).toBe(count);
    }
    // Vault was asked a batch at a time.
    const decrypts = vault.requests.filter((r) => r.path === '/v1/transit/decrypt/barong_apikeys_secret');
    expect(decrypts.length).toBeGreaterThan(0);
    expect(decrypts.every((r) => Array.isArray(r.body.batch_input))).toBe(true);
    // The value that does not open is reported by table, id and column, and imported as nothing.
    expect(second.stdout).toContain(`problem: profiles id ${source.unreadableProfileId} first_name_encrypted:`);
    const profile = await t.db.knex('profiles').where({ id: source.unreadableProfileId }).first();
    expect(profile.first_name_encrypted).toBeNull();
    expect(profile.last_name_encrypted).toMatch(/^v1:/);
    // Barong's CRC32 indexes agree with the decrypted values: no notes about them.
    expect(second.stdout).not.toContain('CRC32 index disagrees');
  }, 180_000);

  it('a second import changes nothing (before anyone uses the imported server)', async () => {
    const before = await snapshot();
    const run = await importBarong();
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('complete: every table matches');
    for (const l of run.stdout.split('\n').filter((x) => x.includes(' → '))) expect(l).toContain('written 0,');
    expect(await snapshot()).toEqual(before);
  }, 180_000);

  it('a later run carries only what changed in Barong meanwhile', async () => {
    const person = source.people[4]!; // id 5
    await source.knex('users').where({ id: person.id }).update({ state: 'locked', updated_at: '2022-02-02 10:00:00' });
    const barong = new BarongEncryption(SECRET_KEY_BASE);
    const renamed = await barong.encrypt({ kind: 'string', value: 'Nouveau Nom' }, '202205');
    await source.knex('profiles').where({ id: person.profile.id }).update({ last_name_encrypted: renamed });
    const run = await importBarong();
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines.find((l) => l.startsWith('users →'))).toContain('written 1, unchanged 119,');
    expect(lines.find((l) => l.startsWith('profiles →'))).toContain('written 1, unchanged 119,');
    expect(lines.find((l) => l.startsWith('phones →'))).toContain('written 0,');
    expect(await t.db.knex('users').where({ id: person.id }).first()).toMatchObject({ state: 'locked' });
    const profile = await t.db.knex('profiles').where({ id: person.profile.id }).first();
    expect(t.services.encryptor.decrypt(profile.last_name_encrypted)).toBe('Nouveau Nom');
  }, 180_000);
});

describe('the imported server', () => {
  /** Barong's Vault as the new server asks it about imported users' codes (its TOTP engine). */
  let totpVault: VaultTotpStandIn;

  beforeAll(async () => {
    totpVault = await startVaultTotpStandIn();
    const config = loadConfig({
      ...process.env,
      ...testEnvironment(t.db.name),
      BARONG_STORAGE_LOCAL_PATH: storageDir,
      BARONG_VAULT_ADDRESS: totpVault.url,
      BARONG_VAULT_TOKEN: totpVault.token,
    });
    const services = await createServices(config, createLogger('silent'));
    imported = { services, app: composeApp(services).app };
  });
  afterAll(() => totpVault.close());

  it('keeps ids, uids and bcrypt digests; marks 2FA users for Vault', async () => {
    const person = source.people[6]!; // id 7: 2FA
    const row = await t.db.knex('users').where({ id: person.id }).first();
    expect(row).toMatchObject({ uid: person.uid, email: person.email, otp: 1, otp_secret_encrypted: null });
    expect(row.otp_vault_key).toBe(`barong_${person.uid}`);
    expect(row.password_digest).toMatch(/^\$2a\$04\$/);
    const plain = await t.db.knex('users').where({ id: 2 }).first();
    expect(plain.otp_vault_key).toBeNull();
  });

  it('signs users in with their Barong passwords, then rehashes them with argon2id', async () => {
    const person = source.people[1]!;
    await login({ ...t, app: imported!.app }, { email: person.email, password: person.password });
    const row = await t.db.knex('users').where({ id: person.id }).first();
    expect(row.password_digest).toMatch(/^\$argon2id\$/);
    await request(imported!.app)
      .post('/api/v2/barong/identity/sessions')
      .set('User-Agent', BROWSER)
      .send({ email: source.people[3]!.email, password: 'not the password' })
      .expect(401);
  });

  it('authorises an imported API key at the gateway with its old secret', async () => {
    // Barong parity: an API key signs only for a user with 2FA on (authz.disabled_2fa otherwise).
    const person = source.people.find((p) => p.apiKey && p.otp && p.id % 50 !== 0)!;
    const nonce = String(Date.now());
    const res = await request(imported!.app)
      .get('/api/v2/barong/auth/api/v2/peatio/account/balances')
      .set('User-Agent', BROWSER)
      .set('X-Auth-Apikey', person.apiKey!.kid)
      .set('X-Auth-Nonce', nonce)
      .set('X-Auth-Signature', hmacHex('HS256', person.apiKey!.secret, nonce + person.apiKey!.kid));
    expect(res.status).toBe(200);
    expect(res.headers.authorization).toMatch(/^Bearer /);
    const wrong = hmacHex('HS256', 'f'.repeat(32), nonce + 1 + person.apiKey!.kid);
    await request(imported!.app)
      .get('/api/v2/barong/auth/api/v2/peatio/account/balances')
      .set('X-Auth-Apikey', person.apiKey!.kid)
      .set('X-Auth-Nonce', String(Number(nonce) + 1))
      .set('X-Auth-Signature', wrong)
      .expect(401);
  });

  it('reads profiles, phones and document numbers back as they were, and serves the files byte for byte', async () => {
    const admin = await imported!.services.uow.repos.users.findById(1);
    const token = await imported!.services.sessionJwt.sign(userClaims(admin!));
    const person = source.people.find((p) => p.phone && p.document && p.id !== source.unreadableProfileId)!;
    const res = await request(imported!.app)
      .get(`/api/v2/barong/admin/users/${person.uid}`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(res.body.profiles[0]).toMatchObject({
      first_name: person.profile.first_name,
      last_name: person.profile.last_name,
      dob: person.profile.dob,
      address: person.profile.address,
    });
    expect(res.body.phones[0].number).toBe(person.phone!.number);
    expect(res.body.documents[0].doc_number).toBe(person.document!.number);
    const link = new URL(res.body.documents[0].upload as string, 'http://x');
    const file = await request(imported!.app)
      .get(link.pathname + link.search)
      .buffer(true)
      .expect(200);
    expect(Buffer.compare(file.body as Buffer, person.document!.bytes)).toBe(0);
  });

  it('signs a 2FA user in with a code Vault checks; after re-enrolling, with a local code', async () => {
    const person = source.people[6]!; // id 7: 2FA, its TOTP key in Barong's Vault
    const vaultSecret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    await totpVault.createKey(`barong_${person.uid}`, vaultSecret);
    const signIn = async (code: string) =>
      request(imported!.app)
        .post('/api/v2/barong/identity/sessions')
        .set('User-Agent', BROWSER)
        .send({ email: person.email, password: person.password, otp_code: code });
    expect((await signIn(await totpCode(vaultSecret))).status).toBe(201);
    const user = (await imported!.services.uow.repos.users.findById(person.id))!;
    const otp = async (action: string, code?: string) =>
      request(imported!.app)
        .post(`/api/v2/barong/resource/otp/${action}`)
        .set('Authorization', `Bearer ${await imported!.services.sessionJwt.sign(userClaims(user))}`)
        .set('User-Agent', BROWSER)
        .send(code === undefined ? {} : { code });
    // Re-enrolling: a Vault code of the old authenticator, then a new local secret enabled with its own code.
    expect((await otp('verify', await totpCode(vaultSecret, -1))).status).toBe(200);
    const qr = await otp('generate_qrcode');
    expect(qr.status).toBe(200);
    const localSecret = new URL(qr.body.data.url as string).searchParams.get('secret')!;
    expect((await otp('enable', await totpCode(localSecret))).status).toBe(200);
    expect(await t.db.knex('users').where({ id: person.id }).first()).toMatchObject({ otp: 1, otp_vault_key: null });
    const checks = totpVault.checks;
    expect((await signIn(await totpCode(localSecret, 1))).status).toBe(201);
    expect(totpVault.checks).toBe(checks); // Vault is no longer asked
  });

  it('refuses to run again once the server has users of its own (after the cut-over)', async () => {
    const newcomer = await createUser(t);
    const run = await importBarong();
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`error: this database holds users that are not Barong's (ids ${newcomer.id})`);
    expect(await t.db.knex('users').where({ id: newcomer.id }).first()).toMatchObject({ uid: newcomer.uid });
  }, 60_000);
});
