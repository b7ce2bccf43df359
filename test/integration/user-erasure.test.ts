/**
 * A user's erasure, from the operators' CLI (`users erase <uid>`) and the admin API (POST /admin/users/erase, the
 * ability `destroy PersonalData`, a superadmin's only): every personal record and stored file goes, the uid, the
 * audit trail and the non-personal labels stay, the user cannot sign in, `model.user.updated` is emitted, and both
 * refuse while the anti-money-laundering hold after the user's last activity lasts.
 */
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/db/repositories/users-repository.js';
import type { DomainEvent } from '../../src/domain/events/domain-events.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createAdmin, INVALID_PERMISSION, NOT_PERMITTED, type AdminCaller } from '../support/admin-client.js';
import { bearer, login, recordEvents, withSession, withToken } from '../support/account-client.js';
import { activeUser, createApiKey, SAMPLE_PROFILE } from '../support/factories.js';
import { cli, cliActivities } from '../support/cli.js';
import { PNG } from '../support/sample-files.js';

let t: TestApp;
let storageDir: string;
let superadmin: AdminCaller;
let events: DomainEvent[];

beforeAll(async () => {
  storageDir = await mkdtemp(path.join(tmpdir(), 'barong-erasure-'));
  t = await startTestApp({
    BARONG_STORAGE_LOCAL_PATH: storageDir,
    BARONG_USER_STORAGE_TITLES: 'personal',
    BARONG_ERASURE_HOLD_DAYS: '1825',
  });
  superadmin = await createAdmin(t, 'superadmin');
  events = recordEvents(t);
});
afterAll(async () => {
  await t?.close();
  await rm(storageDir, { recursive: true, force: true });
});

const DAY = 86_400_000;
/** The operators' CLI on the app's database and its storage directory. */
const eraseCommand = (uid: string, env: Record<string, string> = {}) =>
  cli(t, ['users', 'erase', uid], { env: { BARONG_STORAGE_LOCAL_PATH: storageDir, ...env } });
const fresh = async (user: { id: number }) => (await t.services.uow.repos.users.findById(user.id))!;
const rowsOf = (table: string, user: { id: number }) => t.db.knex(table).where({ user_id: user.id });
const exists = (key: string) =>
  access(path.join(storageDir, key)).then(
    () => true,
    () => false,
  );

/** A member with everything personal this server keeps: profile, phone, document (and its file), data storage,
 * a described label, an admin's comment, an API key, a service account with a key, 2FA off but a username. */
async function memberWithRecords(): Promise<{ user: User & { password: string }; file: string }> {
  const user = await activeUser(t);
  await t.db
    .knex('users')
    .where({ id: user.id })
    .update({ username: `erasable${user.id}`, data: '{"language":"en"}' });
  const token = await bearer(t, user);
  await withToken(t, 'post', '/data_storage', token).send({ title: 'personal', data: '{"language":"en"}' }).expect(201);
  await withToken(t, 'post', '/profiles', token)
    .type('form')
    .send({ ...SAMPLE_PROFILE, confirm: 'true' })
    .expect(201);
  await withToken(t, 'post', '/documents', token)
    .field({ doc_type: 'Passport', doc_number: 'AB1234567', doc_expire: '2035-01-01' })
    .attach('upload', PNG, { filename: 'passport.png', contentType: 'image/png' })
    .expect(201);
  const { encryptor, uow } = t.services;
  await uow.repos.phones.insert(
    {
      userId: user.id,
      country: 'US',
      numberEncrypted: encryptor.encrypt('12025550199'),
      numberIndex: encryptor.blindIndex('12025550199'),
    },
    { codeDigest: null, codeExpiresAt: new Date(), codeSentAt: new Date() },
  );
  await t.db.knex('labels').where({ user_id: user.id, key: 'email' }).update({ description: 'Ann Smith, London' });
  await superadmin
    .call('post', '/users/comments')
    .send({ uid: user.uid, title: 'Call', data: 'Spoke to Ann on +1 202 555 0199' })
    .expect(201);
  await createApiKey(t, { type: 'User', id: user.id });
  const account = await t.services.serviceAccountService.create(user);
  await createApiKey(t, { type: 'ServiceAccount', id: account.id });
  await login(t, user); // an activity of their own
  const [doc] = await rowsOf('documents', user);
  return { user, file: doc.upload as string };
}

/** The user's sign-up and every activity of theirs moved `days` into the past. */
async function age(user: { id: number }, days: number): Promise<void> {
  const then = new Date(Date.now() - days * DAY);
  await t.db.knex('users').where({ id: user.id }).update({ created_at: then });
  await t.db.knex('activities').where({ user_id: user.id }).update({ created_at: then });
}

/** `announcedHere`: the erasure ran in the app's process, whose dispatcher the test listens to (not the CLI's). */
async function expectErased(user: User & { password: string }, file: string, announcedHere = false): Promise<void> {
  const after = await fresh(user);
  expect(after).toMatchObject({
    id: user.id,
    uid: user.uid,
    role: 'member',
    email: `erased+${user.uid}@invalid`,
    username: null,
    data: null,
    otp: false,
    otpSecretEncrypted: null,
    otpVaultKey: null,
    state: 'deleted',
    adminState: 'deleted',
  });
  expect(after.passwordDigest).not.toBe(user.passwordDigest);
  for (const table of ['profiles', 'phones', 'documents', 'data_storages', 'comments'])
    expect(await rowsOf(table, user), table).toEqual([]);
  expect(await exists(file)).toBe(false);
  const keys = await t.db.knex('api_keys').where({ key_holder_account_type: 'User', key_holder_account_id: user.id });
  expect(keys).toEqual([]);
  const accounts = await t.db.knex('service_accounts').where({ owner_id: user.id });
  expect(accounts).toHaveLength(1);
  expect(accounts[0]).toMatchObject({ email: `erased+${accounts[0].uid}@invalid`, state: 'deleted' });
  expect(
    await t.db
      .knex('api_keys')
      .where({ key_holder_account_type: 'ServiceAccount', key_holder_account_id: accounts[0].id }),
  ).toEqual([]);
  // Labels stay (they decide the level), without the free text.
  expect(await rowsOf('labels', user).select('key', 'value', 'description')).toContainEqual({
    key: 'email',
    value: 'verified',
    description: null,
  });
  // The audit trail stays.
  expect((await rowsOf('activities', user)).length).toBeGreaterThan(0);
  // Nothing of the person is left in the row.
  const row = JSON.stringify(await t.db.knex('users').where({ id: user.id }).first());
  expect(row).not.toContain(user.email);
  expect(row).not.toContain('erasable');
  // Nobody signs in as them, by the old address or the tombstone.
  for (const email of [user.email, after.email]) {
    const res = await request(t.app).post('/api/v2/barong/identity/sessions').send({ email, password: user.password });
    expect(res.status).toBe(401);
  }
  if (!announcedHere) return;
  const updated = events.filter(
    (e) => e.name === 'model.user.updated' && (e.payload.record as { uid: string }).uid === user.uid,
  );
  expect(updated.at(-1)!.payload).toMatchObject({
    record: { uid: user.uid, email: after.email, username: null, state: 'deleted', otp: false },
    changes: { state: 'active' },
  });
  expect(JSON.stringify(updated.at(-1))).not.toContain(user.email);
}

describe('npm run cli -- users erase <uid>', () => {
  it('erases personal data and files, keeps the uid and the audit trail, ends sessions, records the operator', async () => {
    const { user, file } = await memberWithRecords();
    const session = await login(t, user);
    expect(await exists(file)).toBe(true);
    await age(user, 1826);

    const run = await eraseCommand(user.uid);
    expect(run.stderr).toContain(`user ${user.uid} erased: 1 profile(s), 1 phone(s), 1 document(s) and 1 file(s)`);
    expect(run).toMatchObject({ code: 0, stdout: `erased+${user.uid}@invalid\n` });
    await expectErased(user, file);
    await withSession(t, 'get', '/users/me', session).expect(401);
    expect((await cliActivities(t)).at(-1)).toMatchObject({
      topic: 'users',
      action: 'delete',
      target_uid: user.uid,
      data: { operator: 'test-operator', command: 'users erase', uid: user.uid },
    });
  });

  it('refuses while the hold after the last activity lasts, and changes nothing', async () => {
    const { user, file } = await memberWithRecords();
    await age(user, 2000);
    // One login a year ago: the hold of five years counts from it.
    await t.db.knex('activities').insert({
      user_id: user.id,
      user_ip: '127.0.0.1',
      user_agent: 'test',
      topic: 'session',
      action: 'login',
      result: 'succeed',
      created_at: new Date(Date.now() - 365 * DAY),
    });
    const run = await eraseCommand(user.uid);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('admin.user.erasure_on_hold');
    expect(await fresh(user)).toMatchObject({ email: user.email, state: 'active' });
    expect(await rowsOf('profiles', user)).toHaveLength(1);
    expect(await exists(file)).toBe(true);

    // With the hold off, the same user goes.
    const off = await eraseCommand(user.uid, { BARONG_ERASURE_HOLD_DAYS: '0' });
    expect(off.code).toBe(0);
    await expectErased(user, file);
  });

  it('names an unknown uid', async () => {
    const run = await eraseCommand('IDNOSUCHUSER');
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toContain('no user with uid IDNOSUCHUSER');
  });
});

describe('POST /admin/users/erase', () => {
  it('a superadmin erases a user; the worker has nothing left to retry', async () => {
    const { user, file } = await memberWithRecords();
    await age(user, 1900);
    await superadmin.form('post', '/users/erase', { uid: user.uid }).expect(200, {});
    await expectErased(user, file, true);
    const writes = await t.db
      .knex('activities')
      .where({ user_id: superadmin.user.id, category: 'admin' })
      .orderBy('id');
    expect(writes.at(-1)).toMatchObject({ topic: 'users', action: 'delete', target_uid: user.uid, result: 'succeed' });
    // The outbox command that deletes the files again (already gone: nothing to do) is carried out once.
    await t.drainOutbox();
    const pending = await t.db.knex('event_outbox').where({ name: 'internal.user.files.erased' }).whereNull('sent_at');
    expect(pending).toEqual([]);
  });

  it('refuses during the hold (422), for an unknown uid (404), for oneself and superadmins (422)', async () => {
    const { user } = await memberWithRecords();
    await superadmin
      .form('post', '/users/erase', { uid: user.uid })
      .expect(422, { errors: ['admin.user.erasure_on_hold'] });
    expect(await fresh(user)).toMatchObject({ email: user.email });
    await superadmin
      .form('post', '/users/erase', { uid: 'IDNOSUCHUSER' })
      .expect(404, { errors: ['admin.user.doesnt_exist'] });
    await superadmin
      .form('post', '/users/erase', { uid: superadmin.user.uid })
      .expect(422, { errors: ['admin.user.update_himself'] });
    await superadmin
      .form('post', '/users/erase', {})
      .expect(422, { errors: ['admin.user.missing_uid', 'admin.user.empty_uid'] });
  });

  it('is a superadmin ability: an admin of any other role is refused', async () => {
    const { user } = await memberWithRecords();
    await age(user, 1900);
    for (const role of ['admin', 'compliance', 'support']) {
      const caller = await createAdmin(t, role);
      const res = await caller.form('post', '/users/erase', { uid: user.uid });
      // Refused by the abilities file, or before it by the permission table (roles it keeps off POST /admin/users).
      expect(res.status).toBe(401);
      expect([NOT_PERMITTED, INVALID_PERMISSION]).toContainEqual(res.body);
      if (role === 'admin') expect(res.body).toEqual(NOT_PERMITTED);
    }
    expect(await fresh(user)).toMatchObject({ email: user.email, state: 'active' });
  });
});
