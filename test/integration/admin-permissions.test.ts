/**
 * Admin API: the permission table (GET/POST/PUT/DELETE /admin/permissions). Every change is in force at once in
 * this process and within a second in every other API process; every write records one admin activity.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSibling, startTestApp, type TestApp } from '../support/app.js';
import {
  ADMIN,
  adminActivitiesOf,
  createAdmin,
  INVALID_PERMISSION,
  NOT_PERMITTED,
  type AdminCaller,
} from '../support/admin-client.js';
import { BROWSER } from '../support/account-client.js';
import { until } from '../support/wait.js';

let t: TestApp;
let superadmin: AdminCaller;

beforeAll(async () => {
  t = await startTestApp();
  superadmin = await createAdmin(t, 'superadmin');
});
afterAll(() => t?.close());

const rows = () => t.db.knex('permissions').orderBy('id');
const rowFor = (path: string) => t.db.knex('permissions').where({ path }).first();
const adminActivities = (userId: number) => adminActivitiesOf(t, userId);
const form = (caller: AdminCaller, method: 'post' | 'put', body: Record<string, unknown>) =>
  caller.form(method, '/permissions', body);

let counter = 0;
/** A permission row of this test's own, so no test changes what another relies on. */
async function ownPermission(fields: Record<string, unknown> = {}) {
  counter += 1;
  const path = `api/v2/test/permissions/${counter}`;
  const [id] = await t.db
    .knex('permissions')
    .insert({ role: 'compliance', verb: 'GET', path, action: 'ACCEPT', topic: null, ...fields });
  return Number(id);
}

describe('GET /admin/permissions', () => {
  it('answers the table in id order, as Barong presents it, with the paging headers', async () => {
    const all = await rows();
    const res = await superadmin.call('get', '/permissions').expect(200);
    expect(res.headers).toMatchObject({ total: String(all.length), page: '1', 'per-page': '100' });
    expect(res.body).toHaveLength(Math.min(100, all.length));
    const first = all[0]!;
    expect(res.body[0]).toEqual({
      id: Number(first.id),
      action: first.action,
      role: first.role,
      verb: first.verb,
      path: first.path,
      topic: first.topic,
      created_at: new Date(first.created_at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      updated_at: new Date(first.updated_at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    });
  });

  it('pages: page and limit pick the rows; a page past the end is empty with the same total', async () => {
    const all = await rows();
    const res = await superadmin.call('get', '/permissions?page=2&limit=5').expect(200);
    expect(res.body.map((p: { id: number }) => p.id)).toEqual(all.slice(5, 10).map((r) => Number(r.id)));
    expect(res.headers).toMatchObject({ total: String(all.length), page: '2', 'per-page': '5' });
    const past = await superadmin.call('get', `/permissions?page=${all.length + 1}&limit=1`).expect(200, []);
    expect(past.headers.total).toBe(String(all.length));
  });

  it("refuses invalid paging with Barong's bare keys", async () => {
    await superadmin.call('get', '/permissions?limit=101').expect(422, { errors: ['invalid_limit'] });
    await superadmin.call('get', '/permissions?page=0').expect(422, { errors: ['non_positive_page'] });
    await superadmin.call('get', '/permissions?page=one').expect(422, { errors: ['non_integer_page'] });
  });
});

describe('POST /admin/permissions', () => {
  it('adds a row (verb and action upper-case, path without a leading slash) and records the admin activity', async () => {
    const body = { role: 'compliance', verb: 'get', path: '/api/v2/test/created', action: 'accept', topic: 'users' };
    await form(superadmin, 'post', body).expect(200, {});
    expect(await rowFor('api/v2/test/created')).toMatchObject({
      role: 'compliance',
      verb: 'GET',
      action: 'ACCEPT',
      topic: 'users',
    });
    const [activity, ...more] = await adminActivities(superadmin.user.id);
    expect(more).toEqual([]);
    expect(activity).toMatchObject({
      topic: 'permissions',
      action: 'create',
      result: 'succeed',
      target_uid: '',
      user_agent: BROWSER,
    });
    expect(JSON.parse(activity.data)).toEqual(body);
  });

  it("checks presence first, then verb, action and role in Barong's order; a refused write records nothing", async () => {
    const caller = await createAdmin(t, 'superadmin');
    await form(caller, 'post', {}).expect(422, {
      errors: [
        'admin.permission.missing_role',
        'admin.permission.empty_role',
        'admin.permission.missing_verb',
        'admin.permission.empty_verb',
        'admin.permission.missing_path',
        'admin.permission.empty_path',
        'admin.permission.missing_action',
        'admin.permission.empty_action',
      ],
    });
    const valid = { role: 'compliance', verb: 'get', path: 'api/v2/test/refused', action: 'accept' };
    await form(caller, 'post', { ...valid, topic: '' }).expect(422, { errors: ['admin.permission.empty_topic'] });
    await form(caller, 'post', { ...valid, verb: 'fly', action: 'maybe', role: 'nobody' }).expect(422, {
      errors: ['admin.permissions.invalid_verb'],
    });
    await form(caller, 'post', { ...valid, action: 'maybe', role: 'nobody' }).expect(422, {
      errors: ['admin.permissions.invalid_action'],
    });
    await form(caller, 'post', { ...valid, role: 'nobody' }).expect(422, {
      errors: ['admin.permission.role_doesnt_exist'],
    });
    await form(caller, 'post', { ...valid, path: `api/${'x'.repeat(260)}` }).expect(422, { errors: ['path.too_long'] });
    await form(caller, 'post', { ...valid, topic: 't'.repeat(65) }).expect(422, { errors: ['topic.too_long'] });
    expect(await rowFor('api/v2/test/refused')).toBeUndefined();
    expect(await adminActivities(caller.user.id)).toEqual([]);
  });

  it('takes JSON as well as a form', async () => {
    await superadmin
      .call('post', '/permissions')
      .send({ role: 'support', verb: 'ALL', path: 'api/v2/test/json', action: 'DROP' })
      .expect(200, {});
    expect(await rowFor('api/v2/test/json')).toMatchObject({
      role: 'support',
      verb: 'ALL',
      action: 'DROP',
      topic: null,
    });
  });
});

describe('PUT /admin/permissions', () => {
  it('changes the fields given, validated as on creation, and records the admin activity', async () => {
    const caller = await createAdmin(t, 'superadmin');
    const id = await ownPermission({ topic: 'users' });
    await form(caller, 'put', { id, verb: 'post', action: 'audit' }).expect(200, {});
    expect(await t.db.knex('permissions').where({ id }).first()).toMatchObject({
      role: 'compliance',
      verb: 'POST',
      action: 'AUDIT',
      topic: 'users',
    });
    const [activity] = await adminActivities(caller.user.id);
    expect(activity).toMatchObject({ topic: 'permissions', action: 'update', target_uid: '' });
    expect(JSON.parse(activity.data)).toEqual({ id, verb: 'post', action: 'audit' });
  });

  it('answers 404 for an unknown id and 422 for what creation refuses (Barong stores anything here)', async () => {
    const caller = await createAdmin(t, 'superadmin');
    const id = await ownPermission();
    await form(caller, 'put', { id: 999999, action: 'drop' }).expect(404, {
      errors: ['admin.permission.doesnt_exist'],
    });
    await form(caller, 'put', { id, action: 'all' }).expect(422, { errors: ['admin.permissions.invalid_action'] });
    await form(caller, 'put', { id, verb: 'fly' }).expect(422, { errors: ['admin.permissions.invalid_verb'] });
    await form(caller, 'put', { id, role: 'nobody' }).expect(422, { errors: ['admin.permission.role_doesnt_exist'] });
    await form(caller, 'put', { id, path: '' }).expect(422, { errors: ['admin.permission.empty_path'] });
    await form(caller, 'put', { action: 'drop' }).expect(422, { errors: ['admin.permission.missing_id'] });
    await form(caller, 'put', { id: 'one' }).expect(422, { errors: ['admin.permission.non_integer_id'] });
    expect(await t.db.knex('permissions').where({ id }).first()).toMatchObject({
      verb: 'GET',
      action: 'ACCEPT',
      role: 'compliance',
    });
    expect(await adminActivities(caller.user.id)).toEqual([]);
  });
});

describe('DELETE /admin/permissions', () => {
  it('deletes the row and records the admin activity; an unknown or missing id is refused', async () => {
    const caller = await createAdmin(t, 'superadmin');
    const id = await ownPermission();
    await caller.call('delete', `/permissions?id=${id}`).expect(200, {});
    expect(await t.db.knex('permissions').where({ id }).first()).toBeUndefined();
    await caller.call('delete', `/permissions?id=${id}`).expect(404, { errors: ['admin.permission.doesnt_exist'] });
    await caller.call('delete', '/permissions').expect(422, { errors: ['admin.permission.missing_id'] });
    const activities = await adminActivities(caller.user.id);
    expect(activities.map((a) => [a.topic, a.action, JSON.parse(a.data)])).toEqual([['permissions', 'delete', { id }]]);
  });
});

describe('who may change permissions', () => {
  it('with the seeded table: only a superadmin; the table keeps admin, support and the other roles out', async () => {
    for (const role of ['admin', 'support', 'technical', 'accountant', 'compliance', 'member']) {
      const caller = await createAdmin(t, role);
      await caller.call('get', '/permissions').expect(401, INVALID_PERMISSION);
      await form(caller, 'put', { id: 1, action: 'accept' }).expect(401, INVALID_PERMISSION);
    }
  });

  it("where an operator's table lets support through, the abilities still refuse it: 401 admin.ability.not_permitted", async () => {
    const support = await createAdmin(t, 'support');
    const id = await ownPermission();
    await form(support, 'put', { id, action: 'drop' }).expect(401, INVALID_PERMISSION);
    // Open the table to support through the API itself: drop its DROP rows, accept every verb on permissions.
    const drops = await t.db
      .knex('permissions')
      .where({ role: 'support', path: 'api/v2/barong/admin/permissions', action: 'DROP' });
    for (const row of drops) await superadmin.call('delete', `/permissions?id=${row.id}`).expect(200);
    await form(superadmin, 'post', {
      role: 'support',
      verb: 'all',
      path: 'api/v2/barong/admin/permissions',
      action: 'accept',
    }).expect(200);

    await form(support, 'put', { id, action: 'drop' }).expect(401, NOT_PERMITTED);
    await support.call('delete', `/permissions?id=${id}`).expect(401, NOT_PERMITTED);
    await support.call('get', '/permissions').expect(401, NOT_PERMITTED);
    expect(await t.db.knex('permissions').where({ id }).first()).toMatchObject({ action: 'ACCEPT' });
  });
});

describe('a change is in force at once here, and within a second in another API process', () => {
  let sibling: Awaited<ReturnType<typeof startSibling>>;
  beforeAll(async () => {
    sibling = await startSibling(t);
  });
  afterAll(() => sibling?.close());

  it('a DROP added through the API refuses the next call in both processes; deleting it lets them in again', async () => {
    const compliance = await createAdmin(t, 'compliance');
    const viaSibling = () =>
      request(sibling.app).get(`${ADMIN}/levels`).set('Authorization', `Bearer ${compliance.token}`);
    await compliance.call('get', '/levels').expect(200);
    await viaSibling().expect(200);

    await form(superadmin, 'post', {
      role: 'compliance',
      verb: 'get',
      path: 'api/v2/barong/admin/levels',
      action: 'drop',
    }).expect(200);
    await compliance.call('get', '/levels').expect(401, INVALID_PERMISSION);
    await until(async () => (await viaSibling()).status === 401, { timeoutMs: 1000, what: 'the sibling to refuse' });

    const row = await rowFor('api/v2/barong/admin/levels');
    await superadmin.call('delete', `/permissions?id=${row.id}`).expect(200);
    await compliance.call('get', '/levels').expect(200);
    await until(async () => (await viaSibling()).status === 200, { timeoutMs: 1000, what: 'the sibling to accept' });
  });
});
