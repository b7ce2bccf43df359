/** Who may call the admin API: the permission table, then the abilities file, on the caller's current role. */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { ADMIN, createAdmin } from '../support/admin-client.js';
import { login, BROWSER } from '../support/account-client.js';

const notPermitted = { errors: ['admin.ability.not_permitted'] };
const invalidPermission = { errors: ['authz.invalid_permission'] };

describe('admin API access', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('answers a superadmin with the levels and its own abilities', async () => {
    const admin = await createAdmin(t, 'superadmin');
    const levels = await admin.call('get', '/levels').expect(200);
    expect(levels.body).toEqual(
      (await t.db.knex('levels').select('id', 'key', 'value').orderBy('id')).map((l) => ({ ...l, id: Number(l.id) })),
    );
    const abilities = await admin.call('get', '/abilities').expect(200);
    expect(abilities.body.manage).toContain('User');
  });

  it('refuses callers without credentials, members, and roles the permission table keeps out', async () => {
    await request(t.app)
      .get(`${ADMIN}/levels`)
      .expect(401, { errors: ['jwt.decode_and_verify'] });
    const member = await createAdmin(t, 'member');
    await member.call('get', '/levels').expect(401, invalidPermission);
    // Barong's seeded DROP: an admin may not read admin activities, whatever its abilities say.
    const admin = await createAdmin(t, 'admin');
    await admin.call('get', '/activities/admin').expect(401, invalidPermission);
  });

  it('refuses a role the permission table lets in but the abilities file does not grant', async () => {
    // compliance may GET anything under admin (permission table) but only reads Ability and Document.
    const compliance = await createAdmin(t, 'compliance');
    await compliance.call('get', '/levels').expect(200);
    await compliance.call('get', '/activities').expect(401, notPermitted);
    await compliance
      .call('get', '/abilities')
      .expect(200, { read: ['Ability', 'Document'], manage: ['User', 'Level', 'Label', 'Profile'] });
  });

  it('checks the ability before the parameters, so a refused caller learns nothing about them', async () => {
    const compliance = await createAdmin(t, 'compliance');
    await compliance.call('get', '/activities?page=zero&unknown=1').expect(401, notPermitted);
  });

  it("reads the caller's current role: a demoted admin loses access with the same token", async () => {
    const admin = await createAdmin(t, 'superadmin');
    await admin.call('get', '/levels').expect(200);
    await t.db.knex('users').where({ id: admin.user.id }).update({ role: 'member' });
    await admin.call('get', '/levels').expect(401, invalidPermission);
  });

  it('applies the permission table to the canonical path whatever base the client used', async () => {
    const admin = await createAdmin(t, 'admin');
    await request(t.app).get('/api/v2/admin/levels').set('Authorization', `Bearer ${admin.token}`).expect(200);
    await request(t.app)
      .get('/api/v2/admin/activities/admin')
      .set('Authorization', `Bearer ${admin.token}`)
      .expect(401, invalidPermission);
  });

  it('records a denial of a session caller as an admin activity; a Bearer caller was recorded by the gateway', async () => {
    const admin = await createAdmin(t, 'admin');
    const s = await login(t, admin.user);
    await request(t.app)
      .get(`${ADMIN}/activities/admin?topic=x`)
      .set('Cookie', s.cookie)
      .set('User-Agent', BROWSER)
      .expect(401, invalidPermission);
    await admin.call('get', '/activities/admin').set('User-Agent', BROWSER).expect(401, invalidPermission);
    await t.services.adminActivities.flush();
    const rows = await t.db.knex('activities').where({ user_id: admin.user.id, category: 'admin' });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ topic: 'activities', action: 'read', result: 'denied' });
    expect(JSON.parse(rows[0].data)).toEqual({ topic: 'x' });
  });

  it('takes the session cookie as the resource API does, CSRF token included on writes', async () => {
    const admin = await createAdmin(t, 'superadmin');
    const s = await login(t, admin.user);
    await request(t.app).get(`${ADMIN}/levels`).set('Cookie', s.cookie).set('User-Agent', BROWSER).expect(200);
  });
});

describe('every API also answers under Barong’s own base /api/v2/<api>', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it.each(['identity', 'public'])('/api/v2/%s/ping', async (api) => {
    const aliased = await request(t.app).get(`/api/v2/${api}/ping`).expect(200);
    const published = await request(t.app).get(`/api/v2/barong/${api}/ping`).expect(200);
    expect(aliased.body).toEqual(published.body);
  });

  it('only for the APIs this server publishes, spelled exactly', async () => {
    await request(t.app).get('/api/v2/peatio/public/ping').expect(404);
    await request(t.app).get('/api/v2/PUBLIC/ping').expect(404);
    await request(t.app).get('/api/v2/publicity/ping').expect(404);
  });
});

describe('a custom abilities file', () => {
  let t: TestApp;
  const file = path.join(tmpdir(), `abilities-${process.pid}.yml`);
  beforeAll(async () => {
    writeFileSync(file, 'roles: [support]\nadmin_permissions:\n  support:\n    read: [Level]\n');
    t = await startTestApp({ BARONG_ABILITIES_FILE: file });
  });
  afterAll(() => t?.close());

  it('grants exactly what it lists', async () => {
    const support = await createAdmin(t, 'support');
    await support.call('get', '/levels').expect(200);
    await support.call('get', '/abilities').expect(401, notPermitted);
    const superadmin = await createAdmin(t, 'superadmin');
    await superadmin.call('get', '/levels').expect(401, notPermitted);
  });
});
