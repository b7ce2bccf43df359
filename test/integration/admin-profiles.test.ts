/** The admin API on profiles: list, create for a user, set the state of a submitted profile (with double verification). */
import type { Json } from '../../src/lib/json.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createAdmin } from '../support/admin-client.js';
import { activeUser, createUser, SAMPLE_PROFILE } from '../support/factories.js';
import { bearer, recordEvents, withToken } from '../support/account-client.js';
import type { DomainEvent } from '../../src/domain/events/domain-events.js';

const notPermitted = { errors: ['admin.ability.not_permitted'] };
const ISO_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const FULL = { ...SAMPLE_PROFILE, metadata: '{"nationality":"US"}' };

let t: TestApp;
let events: DomainEvent[];

beforeAll(async () => {
  t = await startTestApp();
  events = recordEvents(t);
});
afterAll(() => t?.close());

const profileRows = (userId: number) => t.db.knex('profiles').where({ user_id: userId }).orderBy('id');
const privateLabel = (userId: number, key: string) =>
  t.db.knex('labels').where({ user_id: userId, key, scope: 'private' }).first();
const adminRows = (adminId: number) =>
  t.db.knex('activities').where({ user_id: adminId, category: 'admin' }).orderBy('id');
const eventsOf = (name: string, uid: string) =>
  events.filter((e) => e.name === name && ((e.payload.record as Json).user as Json).uid === uid);

/** A member with a submitted profile, made through the resource API as a user makes one. */
async function submitted(fields: Record<string, string> = { city: 'Lisbon' }) {
  const user = await activeUser(t);
  await withToken(t, 'post', '/profiles', await bearer(t, user))
    .send({ ...fields, confirm: true })
    .expect(201);
  return user;
}

/** Lets `role` call PUT/POST /admin/profiles past the permission table (the seeded table gives it only GET). */
async function permitProfileWrites(role: string) {
  const { permissions } = t.services.uow.repos;
  for (const verb of ['PUT', 'POST'] as const)
    await permissions.insert({ role, verb, path: 'api/v2/barong/admin/profiles', action: 'ACCEPT', topic: null });
  await t.services.policy.reload(['permissions']);
}

describe('GET /admin/profiles', () => {
  it('lists every profile unmasked by id, paged with Barong’s headers, and records the read', async () => {
    const admin = await createAdmin(t);
    const [a, b] = [await submitted(FULL), await submitted({ city: 'Porto' })];
    const total = Number((await t.db.knex('profiles').count({ n: '*' }))[0]!.n);
    const res = await admin.call('get', '/profiles').expect(200);
    expect(res.headers).toMatchObject({ total: String(total), page: '1', 'per-page': '100' });
    expect(res.body).toHaveLength(total);
    const ids = (await t.db.knex('profiles').orderBy('id').pluck('user_id')).map(Number);
    expect(ids.indexOf(a.id)).toBeLessThan(ids.indexOf(b.id));
    expect(res.body[ids.indexOf(a.id)]).toEqual({
      ...FULL,
      state: 'submitted',
      created_at: expect.stringMatching(ISO_SECONDS),
      updated_at: expect.stringMatching(ISO_SECONDS),
    });
    expect(await adminRows(admin.user.id)).toMatchObject([
      { topic: 'profiles', action: 'read', result: 'succeed', target_uid: '' },
    ]);
  });

  it('pages: limit and page pick the rows; a page past the end is empty with the same Total', async () => {
    const admin = await createAdmin(t);
    await submitted();
    const total = Number((await t.db.knex('profiles').count({ n: '*' }))[0]!.n);
    const second = await admin.call('get', '/profiles?limit=1&page=2').expect(200);
    expect(second.headers).toMatchObject({ total: String(total), page: '2', 'per-page': '1' });
    const cities = await t.db.knex('profiles').orderBy('id').pluck('city');
    expect(second.body.map((p: Json) => p.city)).toEqual([cities[1]]);
    const past = await admin.call('get', `/profiles?limit=100&page=${total + 1}`).expect(200);
    expect(past.body).toEqual([]);
    expect(past.headers.total).toBe(String(total));
  });

  it('422 for bad paging; every admin role reads profiles, a member is kept out by the permission table', async () => {
    const admin = await createAdmin(t);
    await admin.call('get', '/profiles?page=0').expect(422, { errors: ['non_positive_page'] });
    await admin.call('get', '/profiles?limit=101').expect(422, { errors: ['invalid_limit'] });
    for (const role of ['accountant', 'support', 'technical', 'compliance'])
      await (await createAdmin(t, role)).call('get', '/profiles').expect(200);
    await (
      await createAdmin(t, 'member')
    )
      .call('get', '/profiles')
      .expect(401, { errors: ['authz.invalid_permission'] });
  });
});

describe('POST /admin/profiles', () => {
  it('creates a submitted profile authored by the admin: 201 unmasked, label, event, activity without the values', async () => {
    const admin = await createAdmin(t);
    const user = await activeUser(t);
    const res = await admin
      .call('post', '/profiles')
      .type('form')
      .send({ uid: user.uid, ...FULL })
      .expect(201);
    expect(res.body).toEqual({
      ...FULL,
      state: 'submitted',
      created_at: expect.stringMatching(ISO_SECONDS),
      updated_at: expect.stringMatching(ISO_SECONDS),
    });
    const [row] = await profileRows(user.id);
    expect(row).toMatchObject({ author: admin.user.uid, state: 1 });
    expect(JSON.stringify(row)).not.toMatch(/Doe|1990-01-15/);
    expect(await privateLabel(user.id, 'profile')).toMatchObject({ value: 'submitted' });
    expect(eventsOf('model.profile.created', user.uid).at(-1)?.payload.record).toMatchObject({
      last_name: 'Doe',
      dob: '1990-01-15',
    });
    const [activity] = await adminRows(admin.user.id);
    expect(activity).toMatchObject({ topic: 'profiles', action: 'create', target_uid: user.uid });
    expect(JSON.parse(activity.data)).toEqual({ uid: user.uid, fields: Object.keys(FULL) });
  });

  it('404 admin.user.doesnt_exist; 422 state.exists beside an open profile; 422 field keys; nothing written', async () => {
    const admin = await createAdmin(t);
    await admin
      .call('post', '/profiles')
      .send({ uid: 'IDNOSUCHUSER', city: 'Rome' })
      .expect(404, { errors: ['admin.user.doesnt_exist'] });
    await admin
      .call('post', '/profiles')
      .send({ city: 'Rome' })
      .expect(422, { errors: ['admin.profile.missing_uid'] });
    const user = await submitted();
    await admin
      .call('post', '/profiles')
      .send({ uid: user.uid, city: 'Rome' })
      .expect(422, { errors: ['state.exists'] });
    const fresh = await activeUser(t);
    await admin
      .call('post', '/profiles')
      .send({ uid: fresh.uid, dob: '1990-02-30' })
      .expect(422, { errors: ['dob.invalid_format'] });
    await admin
      .call('post', '/profiles')
      .send({ uid: fresh.uid, city: 'Oslo!', country: 'XX' })
      .expect(422, { errors: ['city.invalid', 'country.invalid'] });
    expect(await profileRows(fresh.id)).toEqual([]);
    expect(await adminRows(admin.user.id)).toEqual([]);
  });

  it('may open a new profile for a user whose profile is verified, which the user may not', async () => {
    const admin = await createAdmin(t);
    const user = await submitted();
    await admin.call('put', '/profiles').send({ uid: user.uid, state: 'verified' }).expect(200);
    const token = await bearer(t, user);
    await withToken(t, 'post', '/profiles', token)
      .send({ city: 'Faro' })
      .expect(422, { errors: ['resource.profile.already_verified'] });
    await admin.call('post', '/profiles').send({ uid: user.uid, city: 'Faro' }).expect(201);
    expect(await privateLabel(user.id, 'profile')).toMatchObject({ value: 'submitted' });
  });
});

describe('PUT /admin/profiles', () => {
  it('verifies the submitted profile: 200 unmasked, label, model.profile.updated with the previous state, activity', async () => {
    const admin = await createAdmin(t);
    const user = await submitted(FULL);
    const res = await admin
      .call('put', '/profiles')
      .type('form')
      .send({ uid: user.uid, state: 'verified' })
      .expect(200);
    expect(res.body).toMatchObject({ ...FULL, state: 'verified' });
    expect(await privateLabel(user.id, 'profile')).toMatchObject({ value: 'verified' });
    expect(eventsOf('model.profile.updated', user.uid).at(-1)?.payload).toMatchObject({
      record: { city: 'Washington' },
      changes: { state: 'submitted' },
    });
    expect(eventsOf('model.label.updated', user.uid).at(-1)?.payload).toMatchObject({
      record: { key: 'profile', value: 'verified' },
      changes: { value: 'submitted' },
    });
    const [activity] = await adminRows(admin.user.id);
    expect(activity).toMatchObject({ topic: 'profiles', action: 'update', target_uid: user.uid, result: 'succeed' });
    expect(JSON.parse(activity.data)).toEqual({ uid: user.uid, state: 'verified' });
  });

  it('a rejection lets the user submit a new profile', async () => {
    const admin = await createAdmin(t);
    const user = await submitted();
    const res = await admin.call('put', '/profiles').send({ uid: user.uid, state: 'rejected' }).expect(200);
    expect(res.body.state).toBe('rejected');
    expect(await privateLabel(user.id, 'profile')).toMatchObject({ value: 'rejected' });
    await withToken(t, 'post', '/profiles', await bearer(t, user))
      .send({ city: 'Braga', confirm: true })
      .expect(201);
    expect((await profileRows(user.id)).map((p) => p.state)).toEqual([4, 1]);
  });

  it('404 without a submitted profile (none, drafted only, unknown uid); 422 for missing or unknown fields', async () => {
    const admin = await createAdmin(t);
    const notEditable = { errors: ['admin.profiles.doesnt_exist_or_not_editable'] };
    const none = await activeUser(t);
    await admin.call('put', '/profiles').send({ uid: none.uid, state: 'verified' }).expect(404, notEditable);
    await withToken(t, 'post', '/profiles', await bearer(t, none))
      .send({ city: 'Evora' })
      .expect(201);
    await admin.call('put', '/profiles').send({ uid: none.uid, state: 'verified' }).expect(404, notEditable);
    await admin.call('put', '/profiles').send({ uid: 'IDNOSUCHUSER', state: 'verified' }).expect(404, notEditable);
    await admin
      .call('put', '/profiles')
      .send({})
      .expect(422, { errors: ['admin.profile.missing_uid', 'admin.profile.missing_state'] });
    await admin
      .call('put', '/profiles')
      .send({ uid: none.uid, state: 'approved' })
      .expect(422, { errors: ['admin.profile.invalid_state'] });
    expect(await adminRows(admin.user.id)).toEqual([]);
  });

  it('422 admin.profiles.superadmin_change: only a superadmin decides on a superadmin’s profile', async () => {
    const target = await createUser(t, { role: 'superadmin', privateLabels: { email: 'verified' } });
    await withToken(t, 'post', '/profiles', await bearer(t, target))
      .send({ city: 'Sintra', confirm: true })
      .expect(201);
    const admin = await createAdmin(t, 'admin');
    await admin
      .call('put', '/profiles')
      .send({ uid: target.uid, state: 'verified' })
      .expect(422, { errors: ['admin.profiles.superadmin_change'] });
    await (
      await createAdmin(t, 'superadmin')
    )
      .call('put', '/profiles')
      .send({ uid: target.uid, state: 'verified' })
      .expect(200);
  });

  it('ability boundaries: roles that only read profiles get 401 admin.ability.not_permitted, compliance may decide', async () => {
    for (const role of ['support', 'accountant', 'technical', 'compliance']) await permitProfileWrites(role);
    const user = await submitted();
    for (const role of ['support', 'accountant', 'technical']) {
      const caller = await createAdmin(t, role);
      await caller.call('put', '/profiles').send({ uid: user.uid, state: 'verified' }).expect(401, notPermitted);
      await caller.call('post', '/profiles').send({ uid: user.uid }).expect(401, notPermitted);
    }
    await (
      await createAdmin(t, 'compliance')
    )
      .call('put', '/profiles')
      .send({ uid: user.uid, state: 'verified' })
      .expect(200);
  });
});

describe('PUT /admin/profiles with double verification on', () => {
  let d: TestApp;
  beforeAll(async () => {
    d = await startTestApp({
      BARONG_PROFILE_DOUBLE_VERIFICATION: 'true',
      BARONG_PROFILE_VERIFICATION_ROLES: 'superadmin',
    });
  });
  afterAll(() => d?.close());

  it('the admin who created a profile may not decide on it unless their role is a verification role', async () => {
    const author = await createAdmin(d, 'admin');
    const user = await activeUser(d);
    await author.call('post', '/profiles').send({ uid: user.uid, city: 'Aveiro' }).expect(201);
    await author
      .call('put', '/profiles')
      .send({ uid: user.uid, state: 'verified' })
      .expect(422, { errors: ['admin.profiles.second_admin_approval'] });
    await (
      await createAdmin(d, 'admin')
    )
      .call('put', '/profiles')
      .send({ uid: user.uid, state: 'rejected' })
      .expect(200);

    const superadmin = await createAdmin(d, 'superadmin');
    await superadmin.call('post', '/profiles').send({ uid: user.uid, city: 'Tavira' }).expect(201);
    await superadmin.call('put', '/profiles').send({ uid: user.uid, state: 'verified' }).expect(200);
  });

  it('a profile the user submitted has no author: any admin decides', async () => {
    const user = await activeUser(d);
    await withToken(d, 'post', '/profiles', await bearer(d, user))
      .send({ city: 'Beja', confirm: true })
      .expect(201);
    await (
      await createAdmin(d, 'admin')
    )
      .call('put', '/profiles')
      .send({ uid: user.uid, state: 'verified' })
      .expect(200);
  });
});
