/**
 * Admin API: IP and geo restrictions (GET/POST/PUT/DELETE /admin/restrictions) and whitelinks. A restriction
 * written through the API is in force at once on this server's own operations (logins included) and within a
 * second in every other API process; every write records one admin activity.
 */
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSibling, startTestApp, type TestApp } from '../support/app.js';
import {
  adminActivitiesOf,
  createAdmin,
  INVALID_PERMISSION,
  NOT_PERMITTED,
  type AdminCaller,
} from '../support/admin-client.js';
import { BROWSER, login } from '../support/account-client.js';
import { createUser, STRONG_PASSWORD } from '../support/factories.js';
import { until } from '../support/wait.js';

const denial = (category: string) => ({ errors: [`authz.restrict.${category}`] });
const BAD = '198.51.100.66';
const GOOD = '198.51.100.67';

let t: TestApp;
let superadmin: AdminCaller;

beforeAll(async () => {
  t = await startTestApp();
  superadmin = await createAdmin(t, 'superadmin');
});
afterAll(() => t?.close());
beforeEach(async () => {
  await t.db.knex('restrictions').del();
  await t.services.policy.reload();
});

const form = (caller: AdminCaller, method: 'post' | 'put', body: Record<string, unknown>, path = '/restrictions') =>
  caller.form(method, path, body);
const adminActivities = (userId: number) => adminActivitiesOf(t, userId);
const from = (ip: string, method: 'get' | 'post', path: string) =>
  request(t.app)[method](path).set('User-Agent', BROWSER).set('X-Forwarded-For', ip);
const iso = (d: Date) => new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z');

async function insert(fields: Record<string, unknown>) {
  const [id] = await t.db.knex('restrictions').insert({ state: 'enabled', code: null, ...fields });
  return Number(id);
}

describe('GET /admin/restrictions', () => {
  it('answers every restriction in id order with the code in force, and the paging headers', async () => {
    const a = await insert({ category: 'blacklist', scope: 'ip', value: '192.0.2.1', code: 451 });
    await insert({ category: 'whitelist', scope: 'ip_subnet', value: '192.0.2.0/24' });
    await insert({ category: 'maintenance', scope: 'all', value: 'all', state: 'disabled' });
    await insert({ category: 'blocklogin', scope: 'country', value: 'JP' });
    const row = await t.db.knex('restrictions').where({ id: a }).first();
    const res = await superadmin.call('get', '/restrictions').expect(200);
    expect(res.headers).toMatchObject({ total: '4', page: '1', 'per-page': '100' });
    expect(res.body[0]).toEqual({
      id: a,
      category: 'blacklist',
      scope: 'ip',
      value: '192.0.2.1',
      code: 451,
      state: 'enabled',
      created_at: iso(row.created_at),
      updated_at: iso(row.updated_at),
    });
    // Rows without a code answer Barong's default for their category and scope.
    expect(res.body.map((r: { code: number }) => r.code)).toEqual([451, 403, 471, 423]);
  });

  it('filters by category and scope, and bounds created_at or updated_at with from and to', async () => {
    await insert({ category: 'blacklist', scope: 'ip', value: '192.0.2.1' });
    const old = await insert({
      category: 'blacklist',
      scope: 'country',
      value: 'JP',
      created_at: new Date('2020-01-01T00:00:00Z'),
      updated_at: new Date('2024-06-01T00:00:00Z'),
    });
    await insert({ category: 'whitelist', scope: 'ip', value: '192.0.2.2' });
    const values = async (query: string) =>
      (await superadmin.call('get', `/restrictions?${query}`).expect(200)).body.map((r: { value: string }) => r.value);

    expect(await values('category=blacklist')).toEqual(['192.0.2.1', 'JP']);
    expect(await values('scope=ip')).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(await values('category=blacklist&scope=ip')).toEqual(['192.0.2.1']);
    const jan2020 = Date.parse('2020-01-01T00:00:00Z') / 1000;
    expect(await values(`to=${jan2020}`)).toEqual(['JP']);
    expect(await values(`from=${jan2020 + 1}`)).toEqual(['192.0.2.1', '192.0.2.2']);
    expect(await values(`range=updated&from=${jan2020 + 1}&to=${Date.parse('2025-01-01') / 1000}`)).toEqual(['JP']);
    const res = await superadmin.call('get', '/restrictions?page=2&limit=2').expect(200);
    expect(res.headers).toMatchObject({ total: '3', page: '2', 'per-page': '2' });
    expect(res.body.map((r: { id: number }) => r.id)).toEqual([old + 1]);
  });

  it("refuses unknown filters with Barong's keys", async () => {
    await superadmin
      .call('get', '/restrictions?scope=planet')
      .expect(422, { errors: ['admin.restriction.invalid_scope'] });
    await superadmin
      .call('get', '/restrictions?category=greylist')
      .expect(422, { errors: ['admin.restriction.invalid_category'] });
    await superadmin
      .call('get', '/restrictions?range=deleted')
      .expect(422, { errors: ['admin.restriction.invalid_range'] });
    await superadmin
      .call('get', '/restrictions?from=yesterday')
      .expect(422, { errors: ['admin.restriction.non_integer_from'] });
    await superadmin.call('get', '/restrictions?limit=0').expect(422, { errors: ['invalid_limit'] });
  });
});

describe('POST /admin/restrictions', () => {
  it('stores the value canonically, records the admin activity, and enforces the row at once', async () => {
    const caller = await createAdmin(t, 'superadmin');
    await form(caller, 'post', { scope: 'ip', value: '2001:DB8:0:0::1', category: 'blacklist', code: 403 }).expect(
      200,
      {},
    );
    expect(await t.db.knex('restrictions').first()).toMatchObject({
      scope: 'ip',
      value: '2001:db8::1',
      category: 'blacklist',
      state: 'enabled',
      code: 403,
    });
    const [activity, ...more] = await adminActivities(caller.user.id);
    expect(more).toEqual([]);
    expect(activity).toMatchObject({ topic: 'restrictions', action: 'create', result: 'succeed', target_uid: '' });
    // The parameters as the contract reads them, defaults included.
    expect(JSON.parse(activity.data)).toEqual({
      scope: 'ip',
      value: '2001:DB8:0:0::1',
      category: 'blacklist',
      code: 403,
      state: 'enabled',
    });
    await from('2001:db8::1', 'get', '/api/v2/barong/public/ping').expect(403, denial('blacklist'));
  });

  it('gives a whitelist no code of its own, as Barong does', async () => {
    await form(superadmin, 'post', {
      scope: 'ip_subnet',
      value: '192.0.2.0/24',
      category: 'whitelist',
      code: 451,
    }).expect(200, {});
    expect(await t.db.knex('restrictions').first()).toMatchObject({ value: '192.0.2.0/24', code: null });
    expect((await superadmin.call('get', '/restrictions').expect(200)).body[0].code).toBe(403);
  });

  it('refuses what Barong refuses, with its keys, and records nothing', async () => {
    const caller = await createAdmin(t, 'superadmin');
    await form(caller, 'post', {}).expect(422, {
      errors: [
        'admin.restriction.missing_scope',
        'admin.restriction.empty_scope',
        'admin.restriction.missing_value',
        'admin.restriction.empty_value',
        'admin.restriction.missing_category',
        'admin.restriction.empty_category',
      ],
    });
    const valid = { scope: 'ip', value: '192.0.2.10', category: 'blacklist' };
    await form(caller, 'post', { ...valid, scope: 'planet' }).expect(422, {
      errors: ['admin.restriction.invalid_scope'],
    });
    await form(caller, 'post', { ...valid, category: 'greylist' }).expect(422, {
      errors: ['admin.restriction.invalid_category'],
    });
    await form(caller, 'post', { ...valid, state: 'paused' }).expect(422, {
      errors: ['admin.restriction.invalid_state'],
    });
    await form(caller, 'post', { ...valid, code: 'teapot' }).expect(422, {
      errors: ['admin.restriction.non_integer_code'],
    });
    await form(caller, 'post', { ...valid, code: 200 }).expect(422, { errors: ['code.invalid'] });
    await form(caller, 'post', { ...valid, value: '192.0.2.300' }).expect(422, { errors: ['value.invalid'] });
    await form(caller, 'post', { ...valid, scope: 'ip_subnet', value: '192.0.2.0/33' }).expect(422, {
      errors: ['value.invalid'],
    });
    await form(caller, 'post', { ...valid, scope: 'country', value: 'x'.repeat(65) }).expect(422, {
      errors: ['value.too_long'],
    });
    expect(await t.db.knex('restrictions')).toEqual([]);
    expect(await adminActivities(caller.user.id)).toEqual([]);
    await form(caller, 'post', valid).expect(200);
    await form(caller, 'post', { ...valid, value: ' 192.0.2.10 ' }).expect(422, { errors: ['value.taken'] });
    expect(await adminActivities(caller.user.id)).toHaveLength(1);
  });
});

describe('PUT /admin/restrictions', () => {
  it('changes the fields given, validates the whole row, and records the admin activity', async () => {
    const caller = await createAdmin(t, 'superadmin');
    const id = await insert({ category: 'blacklist', scope: 'ip', value: '192.0.2.20' });
    await form(caller, 'put', { id, state: 'disabled', code: 451 }).expect(200, {});
    expect(await t.db.knex('restrictions').where({ id }).first()).toMatchObject({
      value: '192.0.2.20',
      state: 'disabled',
      code: 451,
    });
    // A scope change that leaves the value invalid changes nothing.
    await form(caller, 'put', { id, scope: 'ip_subnet' }).expect(422, { errors: ['value.invalid'] });
    await form(caller, 'put', { id, scope: 'ip_subnet', value: '192.0.2.0/24' }).expect(200, {});
    expect(await t.db.knex('restrictions').where({ id }).first()).toMatchObject({
      scope: 'ip_subnet',
      value: '192.0.2.0/24',
    });
    const activities = await adminActivities(caller.user.id);
    expect(activities.map((a) => [a.topic, a.action, JSON.parse(a.data)])).toEqual([
      ['restrictions', 'update', { id, state: 'disabled', code: 451 }],
      ['restrictions', 'update', { id, scope: 'ip_subnet', value: '192.0.2.0/24' }],
    ]);
  });

  it("answers 404 for an unknown id, value.taken for a duplicate, and Barong's parameter keys", async () => {
    const id = await insert({ category: 'blacklist', scope: 'ip', value: '192.0.2.21' });
    await insert({ category: 'blacklist', scope: 'ip', value: '192.0.2.22' });
    await form(superadmin, 'put', { id: 999999, state: 'disabled' }).expect(404, {
      errors: ['admin.restriction.doesnt_exist'],
    });
    await form(superadmin, 'put', { id, value: '192.0.2.22' }).expect(422, { errors: ['value.taken'] });
    await form(superadmin, 'put', { state: 'disabled' }).expect(422, { errors: ['admin.restriction.missing_id'] });
    await form(superadmin, 'put', { id, value: '' }).expect(422, { errors: ['admin.restriction.empty_value'] });
    await form(superadmin, 'put', { id, category: 'greylist' }).expect(422, {
      errors: ['admin.restriction.invalid_category'],
    });
  });
});

describe('DELETE /admin/restrictions', () => {
  it('deletes the row, lifts it at once and records the admin activity; an unknown or missing id is refused', async () => {
    const caller = await createAdmin(t, 'superadmin');
    await form(caller, 'post', { scope: 'ip', value: BAD, category: 'blacklist' }).expect(200);
    await from(BAD, 'get', '/api/v2/barong/public/ping').expect(401, denial('blacklist'));
    const { id } = await t.db.knex('restrictions').first();
    await caller.call('delete', `/restrictions?id=${id}`).expect(200, {});
    await from(BAD, 'get', '/api/v2/barong/public/ping').expect(200);
    await caller.call('delete', `/restrictions?id=${id}`).expect(404, { errors: ['admin.restriction.doesnt_exist'] });
    await caller.call('delete', '/restrictions?id=x').expect(422, { errors: ['admin.restriction.non_integer_id'] });
    const activities = await adminActivities(caller.user.id);
    expect(activities.map((a) => [a.action, JSON.parse(a.data)])).toEqual([
      ['create', { scope: 'ip', value: BAD, category: 'blacklist', state: 'enabled' }],
      ['delete', { id: Number(id) }],
    ]);
  });
});

describe('restrictions created through the API hold on this server', () => {
  it('blocklogin refuses a login from that IP (and ends the sessions there were); other clients log in', async () => {
    const user = await createUser(t);
    const s = await login(t, user, { ip: GOOD });
    await form(superadmin, 'post', { scope: 'ip', value: BAD, category: 'blocklogin' }).expect(200);
    await from(BAD, 'post', '/api/v2/barong/identity/sessions')
      .send({ email: user.email, password: STRONG_PASSWORD })
      .expect(401, denial('blocklogin'));
    await from(BAD, 'post', '/api/v2/identity/sessions')
      .send({ email: user.email, password: STRONG_PASSWORD })
      .expect(401, denial('blocklogin'));
    await from(BAD, 'get', '/api/v2/barong/public/ping').expect(200);
    expect(await t.services.sessions.get(s.id)).toBeUndefined();
    await login(t, user, { ip: GOOD });
  });

  it("a blacklist refuses Barong's own endpoints, under either base, the admin API included", async () => {
    const user = await createUser(t);
    await form(superadmin, 'post', { scope: 'ip_subnet', value: '198.51.100.0/24', category: 'blacklist' }).expect(200);
    for (const path of [
      '/api/v2/barong/public/ping',
      '/api/v2/public/ping',
      '/api/v2/barong/identity/ping',
      '/api/v2/barong/resource/users/me',
      '/api/v2/barong/admin/levels',
    ]) {
      await from(BAD, 'get', path).expect(403, denial('blacklist'));
    }
    await from(BAD, 'post', '/api/v2/barong/identity/sessions')
      .send({ email: user.email, password: STRONG_PASSWORD })
      .expect(403, denial('blacklist'));
    await from('203.0.113.9', 'get', '/api/v2/public/ping').expect(200);
  });
});

describe('POST /admin/restrictions/whitelink', () => {
  const ttl = (token: string) => t.services.redis.ttl(t.services.redisKeys.key('whitelink', token));

  it('issues a token for a day by default, even without a body; it whitelists whoever redeems it', async () => {
    const caller = await createAdmin(t, 'superadmin');
    const res = await caller.call('post', '/restrictions/whitelink').set('User-Agent', BROWSER).expect(201);
    expect(res.body).toEqual({ whitelink_token: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await ttl(res.body.whitelink_token)).toBeGreaterThan(86_400 - 60);
    const [activity] = await adminActivities(caller.user.id);
    expect(activity).toMatchObject({ topic: 'restrictions', action: 'create', target_uid: '' });
    expect(JSON.parse(activity.data)).toEqual({ expire_time: 1, range: 'day' });

    await form(superadmin, 'post', { scope: 'all', value: 'all', category: 'maintenance' }).expect(200);
    await from(GOOD, 'get', '/api/v2/barong/public/ping').expect(471, denial('maintenance'));
    await from(GOOD, 'post', '/api/v2/barong/identity/users/access')
      .send({ whitelink_token: res.body.whitelink_token })
      .expect(200);
    await from(GOOD, 'get', '/api/v2/barong/public/ping').expect(200);
  });

  it("takes the lifetime in days or hours, 1 to 30, with Barong's bare keys", async () => {
    const hours = await form(superadmin, 'post', { expire_time: 3, range: 'hour' }, '/restrictions/whitelink').expect(
      201,
    );
    expect(await ttl(hours.body.whitelink_token)).toBeGreaterThan(3 * 3600 - 60);
    expect(await ttl(hours.body.whitelink_token)).toBeLessThanOrEqual(3 * 3600);
    const days = await form(superadmin, 'post', { expire_time: 30 }, '/restrictions/whitelink').expect(201);
    expect(await ttl(days.body.whitelink_token)).toBeGreaterThan(30 * 86_400 - 60);
    await form(superadmin, 'post', { expire_time: 31 }, '/restrictions/whitelink').expect(422, {
      errors: ['invalid_expire'],
    });
    await form(superadmin, 'post', { expire_time: 0 }, '/restrictions/whitelink').expect(422, {
      errors: ['invalid_expire'],
    });
    await form(superadmin, 'post', { range: 'week' }, '/restrictions/whitelink').expect(422, {
      errors: ['invalid_range'],
    });
  });
});

describe('who may manage restrictions', () => {
  it('admin and technical manage them; accountant may not read them; the table keeps support and compliance out', async () => {
    for (const role of ['admin', 'technical']) {
      const caller = await createAdmin(t, role);
      await caller.call('get', '/restrictions').expect(200);
      await form(caller, 'post', { scope: 'country', value: `${role}-land`, category: 'blacklist' }).expect(200);
      await form(caller, 'post', {}, '/restrictions/whitelink').expect(201);
    }
    const accountant = await createAdmin(t, 'accountant');
    await accountant.call('get', '/restrictions').expect(401, NOT_PERMITTED);
    await form(accountant, 'post', { scope: 'ip', value: BAD, category: 'blacklist' }).expect(401, INVALID_PERMISSION);
    for (const role of ['support', 'compliance', 'member']) {
      const caller = await createAdmin(t, role);
      await caller.call('get', '/restrictions').expect(401, INVALID_PERMISSION);
      await form(caller, 'post', { scope: 'ip', value: BAD, category: 'blacklist' }).expect(401, INVALID_PERMISSION);
      await form(caller, 'post', {}, '/restrictions/whitelink').expect(401, INVALID_PERMISSION);
    }
    expect(await t.db.knex('restrictions').pluck('value')).toEqual(['admin-land', 'technical-land']);
  });
});

describe('another API process', () => {
  let sibling: Awaited<ReturnType<typeof startSibling>>;
  beforeAll(async () => {
    sibling = await startSibling(t);
  });
  afterAll(() => sibling?.close());

  it("enforces a restriction written through this one's API within a second, and lifts it as fast", async () => {
    const ping = () => request(sibling.app).get('/api/v2/barong/public/ping').set('X-Forwarded-For', BAD);
    await ping().expect(200);
    await form(superadmin, 'post', { scope: 'ip', value: BAD, category: 'blacklist' }).expect(200);
    await until(async () => (await ping()).status === 401, { timeoutMs: 1000, what: 'the sibling to refuse' });
    const { id } = await t.db.knex('restrictions').first();
    await form(superadmin, 'put', { id, state: 'disabled' }).expect(200);
    await until(async () => (await ping()).status === 200, {
      timeoutMs: 1000,
      what: 'the sibling to let the client in',
    });
  });
});
