/**
 * The admin API's user changes: PUT /admin/users (state, 2FA off, e-mail), POST /admin/users/update (state, 2FA)
 * and POST /admin/users/role, with Barong's order of checks, the protections of superadmins and of the caller's own
 * account, and the side effects of a user's own state change (keys, service accounts, sessions, events). A ban or
 * lock an admin sets holds when later label changes recompute the state.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/db/repositories/users-repository.js';
import type { DomainEvent } from '../../src/domain/events/domain-events.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createAdmin, type AdminCaller } from '../support/admin-client.js';
import { bearer, login, recordEvents, withSession, BROWSER } from '../support/account-client.js';
import { activeUser, createApiKey, createUser, STRONG_PASSWORD, uniqueEmail } from '../support/factories.js';

let t: TestApp;
let superadmin: AdminCaller;
let events: DomainEvent[];

beforeAll(async () => {
  t = await startTestApp();
  superadmin = await createAdmin(t, 'superadmin');
  events = recordEvents(t);
});
afterAll(() => t?.close());

const fresh = async (user: { id: number }) => (await t.services.uow.repos.users.findById(user.id))!;
const adminWrites = (admin: AdminCaller) =>
  t.db.knex('activities').where({ user_id: admin.user.id, category: 'admin' }).orderBy('id');
const userUpdates = (uid: string) =>
  events.filter((e) => e.name === 'model.user.updated' && (e.payload.record as { uid: string }).uid === uid);
const refused = (key: string) => ({ errors: [key] });

/** Verifies a private label as the app's own flows do (the phone service on a right code, compliance on a document). */
const verify = (user: User, key: string) =>
  t.services.uow.run((w) => t.services.privateLabels.set(w, user, key, 'verified', { by: 'admin' }));

describe('PUT /admin/users: state', () => {
  it('bans: keys and service accounts follow, sessions end, one admin activity, model.user.updated', async () => {
    const user = await activeUser(t);
    const key = await createApiKey(t, { type: 'User', id: user.id });
    const account = await t.services.serviceAccountService.create(user);
    const session = await login(t, user);
    await withSession(t, 'get', '/users/me', session).expect(200);

    await superadmin.call('put', '/users').send({ uid: user.uid, state: 'banned' }).expect(200, {});
    expect(await fresh(user)).toMatchObject({ state: 'banned', adminState: 'banned', level: 1 });
    expect(await t.db.knex('api_keys').where({ kid: key.kid }).first()).toMatchObject({ state: 'inactive' });
    expect(await t.services.uow.repos.serviceAccounts.findById(account.id)).toMatchObject({ state: 'banned' });
    await withSession(t, 'get', '/users/me', session).expect(401, { errors: ['jwt.decode_and_verify'] });
    expect(userUpdates(user.uid).at(-1)!.payload).toMatchObject({
      record: { state: 'banned' },
      changes: { state: 'active' },
    });

    const writes = await adminWrites(superadmin);
    expect(writes.at(-1)).toMatchObject({ topic: 'users', action: 'update', result: 'succeed', target_uid: user.uid });
    expect(JSON.parse(writes.at(-1).data)).toEqual({ uid: user.uid, state: 'banned' });
  });

  it("ban, then the user's phone is verified: still banned", async () => {
    const user = await activeUser(t);
    await superadmin.call('put', '/users').send({ uid: user.uid, state: 'banned' }).expect(200);
    await verify(await fresh(user), 'phone');
    expect(await fresh(user)).toMatchObject({ state: 'banned', level: 2 });
    // Even from a copy of the user read before the ban (a request that was already running).
    await verify(user, 'document');
    expect(await fresh(user)).toMatchObject({ state: 'banned', level: 3 });
  });

  it('a lock holds too; an admin setting the user active again lets the labels decide from then on', async () => {
    const user = await activeUser(t);
    await superadmin.call('post', '/users/update').send({ uid: user.uid, state: 'locked' }).expect(200, {});
    await verify(await fresh(user), 'phone');
    expect(await fresh(user)).toMatchObject({ state: 'locked', adminState: 'locked' });

    await superadmin.call('put', '/users').send({ uid: user.uid, state: 'active' }).expect(200);
    expect(await fresh(user)).toMatchObject({ state: 'active', adminState: null });
    await login(t, user);
    // The user deletes their own account: the labels decide again.
    await t.services.uow.run(async (w) => t.services.privateLabels.set(w, await fresh(user), 'delete', 'by_user'));
    expect((await fresh(user)).state).toBe('deleted');
  });

  it('a state that may sign in leaves sessions and keys alone only while active', async () => {
    const user = await activeUser(t);
    const key = await createApiKey(t, { type: 'User', id: user.id });
    const session = await login(t, user);
    await superadmin.call('put', '/users').send({ uid: user.uid, state: 'pending' }).expect(200);
    expect(await fresh(user)).toMatchObject({ state: 'pending', adminState: null });
    await withSession(t, 'get', '/users/me', session).expect(200);
    // Leaving `active` deactivates the keys, as in Barong.
    expect(await t.db.knex('api_keys').where({ kid: key.kid }).first()).toMatchObject({ state: 'inactive' });
  });

  it('answers the same for the legacy POST /admin/users/update', async () => {
    const user = await activeUser(t);
    await superadmin
      .call('post', '/users/update')
      .send({ uid: user.uid, state: 'active' })
      .expect(422, refused('admin.user.state_no_change'));
    await superadmin
      .call('post', '/users/update')
      .send({ uid: user.uid })
      .expect(422, refused('admin.user.one_of_state_otp'));
    await superadmin
      .call('post', '/users/update')
      .send({ uid: user.uid, state: 'banned', otp: false })
      .expect(422, refused('admin.user.one_of_state_otp'));
    await superadmin
      .call('post', '/users/update')
      .send({ uid: 'ID0000000000', state: 'banned' })
      .expect(404, refused('admin.user.doesnt_exist'));
  });
});

describe('PUT /admin/users: checks in Barong’s order', () => {
  it('refuses an unknown user, a superadmin changed by another role, and the caller themself', async () => {
    const admin = await createAdmin(t, 'admin');
    const other = await createAdmin(t, 'superadmin');
    await admin
      .call('put', '/users')
      .send({ uid: 'ID0000000000', state: 'banned' })
      .expect(404, refused('admin.user.doesnt_exist'));
    await admin
      .call('put', '/users')
      .send({ uid: other.user.uid, state: 'banned' })
      .expect(422, refused('admin.user.superadmin_change'));
    await admin
      .call('put', '/users')
      .send({ uid: admin.user.uid, state: 'banned' })
      .expect(422, refused('admin.user.update_himself'));
    await superadmin
      .call('put', '/users')
      .send({ uid: superadmin.user.uid, state: 'banned' })
      .expect(422, refused('admin.user.update_himself'));
    // A superadmin may change another superadmin.
    await superadmin.call('put', '/users').send({ uid: other.user.uid, state: 'locked' }).expect(200);
    expect(await adminWrites(admin)).toEqual([]);
  });

  it('wants exactly one of state, otp and email, after the contract’s own checks', async () => {
    const user = await activeUser(t);
    await superadmin
      .call('put', '/users')
      .send({})
      .expect(422, { errors: ['admin.user.missing_uid', 'admin.user.empty_uid'] });
    await superadmin
      .call('put', '/users')
      .send({ uid: user.uid })
      .expect(422, refused('admin.user.one_of_state_otp_email'));
    await superadmin
      .call('put', '/users')
      .send({ uid: user.uid, state: 'banned', email: uniqueEmail() })
      .expect(422, refused('admin.user.one_of_state_otp_email'));
    await superadmin
      .call('put', '/users')
      .send({ uid: user.uid, state: '' })
      .expect(422, refused('admin.user.empty_state'));
    await superadmin
      .call('put', '/users')
      .send({ uid: user.uid, state: 'x'.repeat(33) })
      .expect(422, refused('admin.user.invalid_state'));
    await superadmin
      .call('put', '/users')
      .send({ uid: user.uid, otp: 'maybe' })
      .expect(422, refused('admin.user.invalid_otp'));
  });

  it('turns 2FA off only: the label goes (level recomputed), the keys stop; never on, never twice', async () => {
    const user = await activeUser(t, { otpSecret: 'JBSWY3DPEHPK3PXP' });
    await t.services.uow.run((w) => t.services.privateLabels.set(w, user, 'otp', 'enabled'));
    const key = await createApiKey(t, { type: 'User', id: user.id });
    await superadmin
      .call('put', '/users')
      .send({ uid: user.uid, otp: true })
      .expect(422, refused('admin.user.enable_2fa'));
    await superadmin.call('put', '/users').type('form').send({ uid: user.uid, otp: 'false' }).expect(200, {});
    expect(await fresh(user)).toMatchObject({ otp: false, state: 'active' });
    expect(await t.services.uow.repos.labels.find(user.id, 'otp', 'private')).toBeUndefined();
    expect(await t.db.knex('api_keys').where({ kid: key.kid }).first()).toMatchObject({ state: 'inactive' });
    expect(userUpdates(user.uid).some((e) => (e.payload.changes as { otp?: boolean }).otp === true)).toBe(true);
    await superadmin
      .call('put', '/users')
      .send({ uid: user.uid, otp: false })
      .expect(422, refused('admin.user.otp_no_change'));
  });

  it('changes an e-mail for a superadmin only, to a valid address nobody else has', async () => {
    const user = await activeUser(t);
    const taken = await createUser(t);
    const admin = await createAdmin(t, 'admin');
    const email = uniqueEmail('renamed');
    await admin
      .call('put', '/users')
      .send({ uid: user.uid, email })
      .expect(422, refused('superadmin.user.update_email'));
    await superadmin
      .call('put', '/users')
      .send({ uid: user.uid, email: user.email })
      .expect(422, refused('admin.user.email_no_change'));
    await superadmin
      .call('put', '/users')
      .send({ uid: user.uid, email: 'not-an-address' })
      .expect(422, refused('email.invalid'));
    await superadmin
      .call('put', '/users')
      .send({ uid: user.uid, email: taken.email.toUpperCase() })
      .expect(422, refused('email.taken'));
    await superadmin.call('put', '/users').send({ uid: user.uid, email }).expect(200, {});
    expect(await fresh(user)).toMatchObject({ email });
    await login(t, { email, password: STRONG_PASSWORD });
    expect(userUpdates(user.uid).at(-1)!.payload).toMatchObject({ record: { email }, changes: { email: user.email } });
  });
});

describe('POST /admin/users/role', () => {
  it('gives another role that has permissions, announced, with one admin activity', async () => {
    const user = await activeUser(t);
    await superadmin.call('post', '/users/role').send({ uid: user.uid, role: 'compliance' }).expect(200, {});
    expect((await fresh(user)).role).toBe('compliance');
    expect(userUpdates(user.uid).at(-1)!.payload).toMatchObject({
      record: { role: 'compliance' },
      changes: { role: 'member' },
    });
    expect((await adminWrites(superadmin)).at(-1)).toMatchObject({
      topic: 'users',
      action: 'update',
      target_uid: user.uid,
    });
    // The new role is read on the next admin call, whatever the token says.
    const token = await bearer(t, user);
    await request(t.app).get('/api/v2/barong/admin/users').set('Authorization', `Bearer ${token}`).expect(200);
  });

  it('refuses the same role, a role without permissions, and the protections in Barong’s order', async () => {
    const user = await activeUser(t);
    await superadmin
      .call('post', '/users/role')
      .send({ uid: user.uid, role: 'member' })
      .expect(422, refused('admin.user.role_no_change'));
    await superadmin
      .call('post', '/users/role')
      .send({ uid: user.uid, role: 'nobody' })
      .expect(422, refused('role.doesnt_exist'));
    await superadmin
      .call('post', '/users/role')
      .send({ uid: 'ID0000000000', role: 'admin' })
      .expect(404, refused('admin.user.doesnt_exist'));
    await superadmin
      .call('post', '/users/role')
      .send({ uid: superadmin.user.uid, role: 'admin' })
      .expect(422, refused('admin.user.update_himself'));
    await superadmin
      .call('post', '/users/role')
      .send({ uid: user.uid })
      .expect(422, { errors: ['admin.user.missing_role', 'admin.user.empty_role'] });
  });

  describe('where the permission table lets an admin in', () => {
    beforeAll(async () => {
      // The seeded DROP keeps `admin` away from users/role; without it, the abilities file and the protections decide.
      await t.db.knex('permissions').where({ role: 'admin', path: 'api/v2/barong/admin/users/role' }).delete();
      await t.services.policy.reload(['permissions']);
    });

    it('only a superadmin grants superadmin or changes a superadmin', async () => {
      const admin = await createAdmin(t, 'admin');
      const user = await activeUser(t);
      await admin
        .call('post', '/users/role')
        .send({ uid: user.uid, role: 'superadmin' })
        .expect(422, refused('admin.user.superadmin_change'));
      await admin
        .call('post', '/users/role')
        .send({ uid: superadmin.user.uid, role: 'member' })
        .expect(422, refused('admin.user.superadmin_change'));
      await admin.call('post', '/users/role').send({ uid: user.uid, role: 'support' }).expect(200);
      await superadmin.call('post', '/users/role').send({ uid: user.uid, role: 'superadmin' }).expect(200);
      expect((await fresh(user)).role).toBe('superadmin');
    });
  });
});

describe('who may change users', () => {
  it('support changes state and 2FA through the legacy path its permissions open; members and read-only roles may not', async () => {
    const user = await activeUser(t);
    const support = await createAdmin(t, 'support');
    await support.call('post', '/users/update').send({ uid: user.uid, state: 'locked' }).expect(200);
    await support
      .call('put', '/users')
      .send({ uid: user.uid, state: 'active' })
      .expect(401, refused('authz.invalid_permission'));
    await support
      .call('post', '/users/role')
      .send({ uid: user.uid, role: 'trader' })
      .expect(401, refused('authz.invalid_permission'));
    const member = await createAdmin(t, 'member');
    await member
      .call('put', '/users')
      .send({ uid: user.uid, state: 'active' })
      .expect(401, refused('authz.invalid_permission'));
    const compliance = await createAdmin(t, 'compliance');
    await compliance.call('put', '/users').send({ uid: user.uid, state: 'active' }).expect(200);
  });

  it('an accountant only reads users: the abilities file refuses a write its permissions would let through', async () => {
    await t.services.uow.repos.permissions.insert({
      role: 'accountant',
      verb: 'PUT',
      path: 'api/v2/barong/admin/users',
      action: 'ACCEPT',
      topic: null,
    });
    await t.services.policy.reload(['permissions']);
    const accountant = await createAdmin(t, 'accountant');
    const user = await activeUser(t);
    // The ability is checked before the parameters.
    await accountant.call('put', '/users').send({ uid: user.uid }).expect(401, refused('admin.ability.not_permitted'));
    await accountant
      .call('put', '/users')
      .send({ uid: user.uid, state: 'banned' })
      .expect(401, refused('admin.ability.not_permitted'));
    expect((await fresh(user)).state).toBe('active');
  });

  it('a session caller needs the CSRF token on a change', async () => {
    const admin = await createAdmin(t, 'superadmin');
    const user = await activeUser(t);
    const s = await login(t, admin.user);
    const put = () =>
      request(t.app).put('/api/v2/barong/admin/users').set('Cookie', s.cookie).set('User-Agent', BROWSER);
    await put().send({ uid: user.uid, state: 'banned' }).expect(401, refused('authz.missing_csrf_token'));
    await put().set('X-CSRF-Token', s.csrf).send({ uid: user.uid, state: 'banned' }).expect(200);
  });
});
