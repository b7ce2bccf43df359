/** The admin API on the activity log: user activities, admin activities, and the daily metrics. */
import type { Json } from '../../src/lib/json.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createAdmin } from '../support/admin-client.js';
import { activeUser, createUser } from '../support/factories.js';
import { bearer, login, withToken } from '../support/account-client.js';
import type { User } from '../../src/db/repositories/users-repository.js';

const notPermitted = { errors: ['admin.ability.not_permitted'] };
const invalidPermission = { errors: ['authz.invalid_permission'] };

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t?.close());

interface ActivitySpec {
  topic: string;
  action: string;
  result?: 'succeed' | 'failed';
  category?: 'user' | 'admin';
  targetUid?: string;
  /** ISO 8601, UTC. */
  at?: string;
}

/** An activity row of `user` as the app writes one, at a chosen time. */
async function activity(user: User, a: ActivitySpec): Promise<void> {
  await t.db.knex('activities').insert({
    user_id: user.id,
    category: a.category ?? 'user',
    target_uid: a.targetUid ?? null,
    user_ip: '203.0.113.7',
    user_agent: 'vitest-activities/1.0',
    topic: a.topic,
    action: a.action,
    result: a.result ?? 'succeed',
    ...(a.at ? { created_at: new Date(a.at) } : {}),
  });
}

const userEntity = (u: User, referralUid: string | null = null) => ({
  email: u.email,
  uid: u.uid,
  role: u.role,
  level: u.level,
  otp: u.otp,
  state: u.state,
  referral_uid: referralUid,
  data: u.data,
  username: u.username,
});

describe('GET /admin/activities', () => {
  it('lists user activities newest first with their user; the admin category is not among them', async () => {
    const admin = await createAdmin(t);
    const referrer = await activeUser(t);
    const user = await activeUser(t);
    await t.db.knex('users').where({ id: user.id }).update({ referral_id: referrer.id });
    await login(t, user);
    await activity(user, { topic: 'password', action: 'password change', category: 'user' });
    await activity(user, { topic: 'users', action: 'update', category: 'admin' });
    const res = await admin.call('get', `/activities?uid=${user.uid}`).expect(200);
    expect(res.headers).toMatchObject({ total: '2', page: '1', 'per-page': '100' });
    expect(res.body).toEqual([
      {
        user_ip: '203.0.113.7',
        user_ip_country: null,
        user_agent: 'vitest-activities/1.0',
        topic: 'password',
        action: 'password change',
        result: 'succeed',
        data: null,
        user: userEntity(user, referrer.uid),
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      },
      expect.objectContaining({
        topic: 'session',
        action: 'login',
        result: 'succeed',
        user: userEntity(user, referrer.uid),
      }),
    ]);
  });

  it('filters by topic, action, uid, email and an inclusive from/to; pages', async () => {
    const admin = await createAdmin(t);
    const [a, b] = [await activeUser(t), await activeUser(t)];
    await activity(a, { topic: 'session', action: 'login', at: '2002-05-01T10:00:00Z' });
    await activity(a, { topic: 'session', action: 'logout', at: '2002-05-02T10:00:00Z' });
    await activity(a, { topic: 'otp', action: 'enable', at: '2002-05-03T10:00:00Z' });
    await activity(b, { topic: 'session', action: 'login', at: '2002-05-02T10:00:00Z' });
    const topics = async (query: string) =>
      (await admin.call('get', `/activities?${query}`).expect(200)).body.map((r: Json) => `${r.topic}/${r.action}`);
    expect(await topics(`uid=${a.uid}&topic=session`)).toEqual(['session/logout', 'session/login']);
    expect(await topics(`email=${encodeURIComponent(a.email)}&action=login`)).toEqual(['session/login']);
    const from = Date.parse('2002-05-02T10:00:00Z') / 1000;
    expect(await topics(`uid=${a.uid}&from=${from}&to=${from}`)).toEqual(['session/logout']);
    expect(await topics(`uid=${a.uid}&from=${from}`)).toEqual(['otp/enable', 'session/logout']);
    expect(await topics(`from=${from}&to=${from + 1}`)).toEqual(['session/login', 'session/logout']);
    const paged = await admin.call('get', `/activities?uid=${a.uid}&limit=2&page=2`).expect(200);
    expect(paged.headers).toMatchObject({ total: '3', page: '2', 'per-page': '2' });
    expect(paged.body.map((r: Json) => r.topic)).toEqual(['session']);
    expect((await admin.call('get', `/activities?uid=${a.uid}&page=3&limit=2`).expect(200)).body).toEqual([]);
  });

  it('422 for a non-integer bound or bad paging; who may read', async () => {
    const admin = await createAdmin(t);
    await admin.call('get', '/activities?from=yesterday').expect(422, { errors: ['admin.activity.non_integer_from'] });
    await admin.call('get', '/activities?to=1.5').expect(422, { errors: ['admin.activity.non_integer_to'] });
    await admin.call('get', '/activities?page=0').expect(422, { errors: ['non_positive_page'] });
    for (const role of ['admin', 'accountant', 'support', 'technical'])
      await (await createAdmin(t, role)).call('get', '/activities').expect(200);
    await (await createAdmin(t, 'compliance')).call('get', '/activities').expect(401, notPermitted);
    await (await createAdmin(t, 'member')).call('get', '/activities').expect(401, invalidPermission);
  });
});

describe('GET /admin/activities/admin', () => {
  it('lists admin activities with the admin and the target (null when none), filtered by target_uid', async () => {
    const admin = await createAdmin(t);
    const user = await activeUser(t);
    await withToken(t, 'post', '/profiles', await bearer(t, user))
      .send({ city: 'Lagos', confirm: true })
      .expect(201);
    await admin.call('put', '/profiles').send({ uid: user.uid, state: 'verified' }).expect(200);
    await admin.call('get', '/profiles?limit=1').expect(200);
    const mine = await admin.call('get', `/activities/admin?uid=${admin.user.uid}`).expect(200);
    expect(mine.headers.total).toBe('2');
    expect(mine.body).toEqual([
      expect.objectContaining({
        topic: 'profiles',
        action: 'read',
        data: '{"page":1,"limit":1}',
        admin: userEntity(admin.user),
        target: null,
      }),
      expect.objectContaining({
        topic: 'profiles',
        action: 'update',
        result: 'succeed',
        data: JSON.stringify({ uid: user.uid, state: 'verified' }),
        admin: userEntity(admin.user),
        target: userEntity({ ...user, level: 1, state: 'active' }),
      }),
    ]);
    const targeted = await admin.call('get', `/activities/admin?target_uid=${user.uid}`).expect(200);
    expect(targeted.body.map((r: Json) => r.action)).toEqual(['update']);
    const byEmail = await admin
      .call('get', `/activities/admin?email=${encodeURIComponent(admin.user.email)}&action=read&range=created`)
      .expect(200);
    expect(byEmail.body.map((r: Json) => r.action)).toEqual(['read']);
    // A user activity of the same admin is not an admin activity.
    await activity(admin.user, { topic: 'session', action: 'login' });
    expect((await admin.call('get', `/activities/admin?uid=${admin.user.uid}&topic=session`).expect(200)).body).toEqual(
      [],
    );
  });

  it('a target nobody has any more is null', async () => {
    const admin = await createAdmin(t);
    const gone = await createUser(t);
    await activity(admin.user, { topic: 'users', action: 'update', category: 'admin', targetUid: gone.uid });
    await t.db.knex('users').where({ id: gone.id }).delete();
    const res = await admin.call('get', `/activities/admin?uid=${admin.user.uid}&topic=users`).expect(200);
    expect(res.body).toEqual([expect.objectContaining({ topic: 'users', target: null })]);
  });

  it('leaves out what no user did (the CLI) from the page and the Total; an unknown uid finds nothing', async () => {
    const admin = await createAdmin(t);
    const user = await createUser(t);
    await activity(admin.user, { topic: 'users', action: 'update', category: 'admin', targetUid: user.uid });
    await t.db.knex('activities').insert({
      user_id: null,
      category: 'admin',
      target_uid: user.uid,
      user_ip: '127.0.0.1',
      user_agent: 'barong-cli (root): users state',
      topic: 'users',
      action: 'update',
      result: 'succeed',
    });
    const res = await admin.call('get', `/activities/admin?target_uid=${user.uid}`).expect(200);
    expect(res.headers.total).toBe('1');
    expect(res.body).toEqual([expect.objectContaining({ admin: userEntity(admin.user) })]);
    const nobody = await admin.call('get', `/activities/admin?uid=ID0000000000&target_uid=${user.uid}`).expect(200);
    expect([nobody.headers.total, nobody.body]).toEqual(['0', []]);
  });

  it('422 for another range; the seeded permissions keep every role but superadmin out', async () => {
    const admin = await createAdmin(t);
    await admin
      .call('get', '/activities/admin?range=updated')
      .expect(422, { errors: ['admin.activity.invalid_range'] });
    await admin.call('get', '/activities/admin?from=x').expect(422, { errors: ['admin.activity.non_integer_from'] });
    for (const role of ['admin', 'accountant', 'support', 'technical', 'compliance', 'member']) {
      await (await createAdmin(t, role)).call('get', '/activities/admin').expect(401, invalidPermission);
    }
  });

  it('once the permission table lets a role in, the ability decides', async () => {
    await t.db
      .knex('permissions')
      .where({ path: 'api/v2/barong/admin/activities/admin' })
      .whereIn('role', ['admin', 'compliance'])
      .delete();
    await t.services.policy.reload(['permissions']);
    await (await createAdmin(t, 'admin')).call('get', '/activities/admin').expect(200);
    await (await createAdmin(t, 'compliance')).call('get', '/activities/admin').expect(401, notPermitted);
  });
});

describe('GET /admin/metrics', () => {
  it('counts sign-ups and password logins per UTC day in the window, under both spellings', async () => {
    const admin = await createAdmin(t);
    const [u, v] = [await activeUser(t), await activeUser(t)];
    await activity(u, { topic: 'account', action: 'signup', at: '2003-07-01T23:59:59Z' });
    await activity(v, { topic: 'account', action: 'signup', at: '2003-07-02T00:00:00Z' });
    await activity(u, { topic: 'session', action: 'login', at: '2003-07-02T08:00:00Z' });
    await activity(u, { topic: 'session', action: 'login', at: '2003-07-02T09:00:00Z' });
    await activity(v, { topic: 'session', action: 'login', result: 'failed', at: '2003-07-03T12:00:00Z' });
    // Not counted: a failed sign-up, a 2FA login (Barong counts `login` only), another day.
    await activity(v, { topic: 'account', action: 'signup', result: 'failed', at: '2003-07-02T10:00:00Z' });
    await activity(v, { topic: 'session', action: 'login::2fa', at: '2003-07-02T10:00:00Z' });
    await activity(v, { topic: 'session', action: 'login', at: '2003-07-04T00:00:00Z' });
    const res = await admin.call('get', '/metrics?created_from=2003-07-01&created_to=2003-07-03').expect(200);
    const logins = { '2003-07-02': 2 };
    expect(res.body).toEqual({
      signups: { '2003-07-01': 1, '2003-07-02': 1 },
      sucessful_logins: logins,
      successful_logins: logins,
      failed_logins: { '2003-07-03': 1 },
      pending_applications: expect.any(Number),
    });
  });

  it('reads seconds, date-times and offsets; a date-time bound is inclusive to the second', async () => {
    const admin = await createAdmin(t);
    const u = await activeUser(t);
    await activity(u, { topic: 'account', action: 'signup', at: '2004-02-10T12:00:00Z' });
    const signups = async (query: string) => (await admin.call('get', `/metrics?${query}`).expect(200)).body.signups;
    const noon = Date.parse('2004-02-10T12:00:00Z') / 1000;
    expect(await signups(`created_from=${noon}&created_to=${noon}`)).toEqual({ '2004-02-10': 1 });
    expect(await signups(`created_from=${noon + 1}&created_to=${noon + 60}`)).toEqual({});
    expect(await signups('created_from=2004-02-10T13:00:00%2B01:00&created_to=2004-02-10T12:00:00Z')).toEqual({
      '2004-02-10': 1,
    });
    expect(await signups('created_from=2004-02-10T11:59:59.5&created_to=2004-02-10 12:00')).toEqual({
      '2004-02-10': 1,
    });
    expect(await signups('created_from=2004-02-11&created_to=2004-02-09')).toEqual({});
  });

  it('counts the private document labels that wait for a review', async () => {
    const admin = await createAdmin(t);
    const before = (await admin.call('get', '/metrics').expect(200)).body.pending_applications;
    await createUser(t, { privateLabels: { document: 'pending' } });
    await createUser(t, { privateLabels: { document: 'replaced' } });
    await createUser(t, { privateLabels: { document: 'verified' } });
    const pub = await createUser(t);
    await t.services.uow.repos.labels.insert(pub.id, 'document', 'pending', 'public');
    expect((await admin.call('get', '/metrics').expect(200)).body.pending_applications).toBe(before + 1);
  });

  it('422 for a bound that is no moment, each key in parameter order; who may read', async () => {
    const admin = await createAdmin(t);
    const invalid = (...keys: string[]) => ({ errors: keys.map((k) => `admin.metric.invalid_${k}`) });
    await admin.call('get', '/metrics?created_from=tomorrow').expect(422, invalid('created_from'));
    await admin.call('get', '/metrics?created_from=2021-02-30').expect(422, invalid('created_from'));
    await admin.call('get', '/metrics?created_to=2021-06-01T24:00').expect(422, invalid('created_to'));
    await admin
      .call('get', '/metrics?created_from=2021-13-01&created_to=2021-01-01T10:61')
      .expect(422, invalid('created_from', 'created_to'));
    for (const role of ['accountant', 'support', 'technical'])
      await (await createAdmin(t, role)).call('get', '/metrics').expect(200);
    await (await createAdmin(t, 'compliance')).call('get', '/metrics').expect(401, notPermitted);
    await (await createAdmin(t, 'member')).call('get', '/metrics').expect(401, invalidPermission);
  });
});
