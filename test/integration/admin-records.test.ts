/** The admin API on a user's records: data-storage deletion, admin comments, a user's API keys. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createAdmin, type AdminCaller } from '../support/admin-client.js';
import { bearer, withToken } from '../support/account-client.js';
import { activeUser, createApiKey, createUser, SAMPLE_PROFILE } from '../support/factories.js';
import { PNG } from '../support/sample-files.js';
import type { User } from '../../src/db/repositories/users-repository.js';

const notPermitted = { errors: ['admin.ability.not_permitted'] };
const invalidPermission = { errors: ['authz.invalid_permission'] };
const DATA = '{"language":"en"}';
const TIME = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

let t: TestApp;
let dir: string;
let superadmin: AdminCaller;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'barong-admin-records-'));
  t = await startTestApp({ BARONG_STORAGE_LOCAL_PATH: dir, BARONG_USER_STORAGE_TITLES: 'personal,notes' });
  superadmin = await createAdmin(t, 'superadmin');
});
afterAll(async () => {
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

const adminRows = (admin: AdminCaller) =>
  t.db.knex('activities').where({ user_id: admin.user.id, category: 'admin' }).orderBy('id');
const commentsOf = (user: User) => t.db.knex('comments').where({ user_id: user.id }).orderBy('id');

/** A member with data storage records (and their `<title>: recorded` labels), through the resource API. */
async function memberWithStorage(titles = ['personal']): Promise<User> {
  const user = await activeUser(t);
  const token = await bearer(t, user);
  for (const title of titles)
    await withToken(t, 'post', '/data_storage', token).send({ title, data: DATA }).expect(201);
  return user;
}

/** Everything the KYC view shows: a profile, a verified phone, a document, a data storage, a described label. */
async function reviewedMember(): Promise<User> {
  const user = await memberWithStorage();
  const token = await bearer(t, user);
  const profile = { ...SAMPLE_PROFILE, confirm: 'true' };
  await withToken(t, 'post', '/profiles', token).type('form').send(profile).expect(201);
  await withToken(t, 'post', '/documents', token)
    .field({ doc_type: 'Passport', doc_number: 'AB1234567', doc_expire: '2035-01-01' })
    .attach('upload', PNG, { filename: 'passport.png', contentType: 'image/png' })
    .expect(201);
  const { encryptor, uow } = t.services;
  const phone = await uow.repos.phones.insert(
    {
      userId: user.id,
      country: 'US',
      numberEncrypted: encryptor.encrypt('12025550471'),
      numberIndex: encryptor.blindIndex('12025550471'),
    },
    { codeDigest: null, codeExpiresAt: new Date(), codeSentAt: new Date() },
  );
  await uow.repos.phones.markVerified(phone.id, new Date('2021-06-15T10:20:00Z'));
  await t.db
    .knex('labels')
    .where({ user_id: user.id, key: 'personal' })
    .update({ description: 'from the sign-up form' });
  return (await uow.repos.users.findById(user.id))!;
}

describe('the KYC view the writes answer with', () => {
  it('shows everything compliance reviews, unmasked, with a link that opens the document', async () => {
    const user = await reviewedMember();
    const res = await superadmin
      .call('post', '/users/comments')
      .send({ uid: user.uid, title: 'Passport checked', data: 'Matches the selfie.' })
      .expect(201);
    const label = (key: string, value: string, description: string | null = null) => ({
      key,
      value,
      scope: 'private',
      description,
      created_at: TIME,
      updated_at: TIME,
    });
    expect(res.body).toEqual({
      email: user.email,
      uid: user.uid,
      role: 'member',
      level: user.level,
      otp: false,
      state: 'active',
      referral_uid: null,
      data: null,
      username: null,
      profiles: [
        {
          first_name: 'John',
          last_name: 'Doe',
          dob: '1990-01-15',
          address: '1600 Pennsylvania Avenue NW',
          postcode: '20500',
          city: 'Washington',
          country: 'US',
          state: 'submitted',
          metadata: null,
          created_at: TIME,
          updated_at: TIME,
        },
      ],
      labels: [
        label('email', 'verified'),
        label('personal', 'recorded', 'from the sign-up form'),
        label('profile', 'submitted'),
        label('document', 'pending'),
      ],
      phones: [{ country: 'US', number: '12025550471', validated_at: '2021-06-15T10:20:00.000Z' }],
      documents: [
        {
          upload: expect.any(String),
          doc_type: 'Passport',
          doc_number: 'AB1234567',
          doc_expire: '2035-01-01',
          metadata: null,
          created_at: TIME,
          updated_at: TIME,
        },
      ],
      data_storages: [{ title: 'personal', data: DATA, created_at: TIME, updated_at: TIME }],
      comments: [
        {
          id: expect.any(Number),
          author_uid: superadmin.user.uid,
          title: 'Passport checked',
          data: 'Matches the selfie.',
          created_at: TIME,
          updated_at: TIME,
        },
      ],
      created_at: TIME,
      updated_at: TIME,
    });
    const file = await request(t.app)
      .get(res.body.documents[0].upload)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(file.status).toBe(200);
    expect(Buffer.compare(file.body as Buffer, PNG)).toBe(0);
  });
});

describe('DELETE /admin/users/data_storage', () => {
  it('deletes the record, keeps its label (Barong parity), answers the KYC view and records one admin activity', async () => {
    const user = await memberWithStorage(['personal', 'notes']);
    const res = await superadmin.call('delete', `/users/data_storage?uid=${user.uid}&title=personal`).expect(200);
    expect(res.body.data_storages).toEqual([{ title: 'notes', data: DATA, created_at: TIME, updated_at: TIME }]);
    expect(res.body.labels.map((l: { key: string }) => l.key)).toEqual(['email', 'personal', 'notes']);
    expect(await t.db.knex('data_storages').where({ user_id: user.id }).pluck('title')).toEqual(['notes']);
    const rows = (await adminRows(superadmin)).filter((r) => r.target_uid === user.uid);
    expect(rows).toEqual([expect.objectContaining({ topic: 'users', action: 'delete', result: 'succeed' })]);
    expect(JSON.parse(rows[0].data)).toEqual({ uid: user.uid, title: 'personal' });
  });

  it('answers 404 for an unknown user or title, and records nothing', async () => {
    const user = await memberWithStorage();
    const before = (await adminRows(superadmin)).length;
    await superadmin
      .call('delete', '/users/data_storage?uid=IDNOSUCHUSER&title=personal')
      .expect(404, { errors: ['admin.user.doesnt_exist'] });
    await superadmin
      .call('delete', `/users/data_storage?uid=${user.uid}&title=notes`)
      .expect(404, { errors: ['admin.storage.doesnt_exist'] });
    expect(await adminRows(superadmin)).toHaveLength(before);
  });

  it('validates its parameters', async () => {
    await superadmin.call('delete', '/users/data_storage').expect(422, {
      errors: ['admin.user.missing_uid', 'admin.user.empty_uid', 'admin.user.missing_title', 'admin.user.empty_title'],
    });
    await superadmin
      .call('delete', '/users/data_storage?uid=&title=personal')
      .expect(422, { errors: ['admin.user.empty_uid'] });
  });

  it("lets only a superadmin delete a superadmin's record", async () => {
    const target = await createUser(t, { role: 'superadmin' });
    await t.services.uow.repos.dataStorages.insert(target.id, 'personal', DATA);
    const admin = await createAdmin(t, 'admin');
    await admin
      .call('delete', `/users/data_storage?uid=${target.uid}&title=personal`)
      .expect(422, { errors: ['admin.user.superadmin_change'] });
    await superadmin.call('delete', `/users/data_storage?uid=${target.uid}&title=personal`).expect(200);
  });

  it('is open to the roles that destroy users', async () => {
    for (const role of ['admin', 'compliance']) {
      const user = await memberWithStorage();
      await (
        await createAdmin(t, role)
      )
        .call('delete', `/users/data_storage?uid=${user.uid}&title=personal`)
        .expect(200);
    }
  });
});

describe('POST /admin/users/comments', () => {
  it('adds a comment authored by the caller; 201; one admin activity; form bodies too', async () => {
    const user = await createUser(t);
    const compliance = await createAdmin(t, 'compliance');
    const res = await compliance
      .call('post', '/users/comments')
      .type('form')
      .send({ uid: user.uid, title: 'Call', data: 'Called back.' })
      .expect(201);
    expect(res.body.comments).toEqual([
      {
        id: expect.any(Number),
        author_uid: compliance.user.uid,
        title: 'Call',
        data: 'Called back.',
        created_at: TIME,
        updated_at: TIME,
      },
    ]);
    expect(await commentsOf(user)).toEqual([
      expect.objectContaining({ author_uid: compliance.user.uid, title: 'Call', data: 'Called back.' }),
    ]);
    const rows = await adminRows(compliance);
    expect(rows).toEqual([
      expect.objectContaining({ topic: 'users', action: 'create', target_uid: user.uid, result: 'succeed' }),
    ]);
    expect(JSON.parse(rows[0].data)).toEqual({ uid: user.uid, title: 'Call', data: 'Called back.' });
  });

  it('lets an admin comment on a superadmin and on themselves, as Barong does', async () => {
    const admin = await createAdmin(t, 'admin');
    const target = await createUser(t, { role: 'superadmin' });
    await admin.call('post', '/users/comments').send({ uid: target.uid, title: 'Note', data: 'x' }).expect(201);
    await admin.call('post', '/users/comments').send({ uid: admin.user.uid, title: 'Note', data: 'x' }).expect(201);
  });

  it('answers 404 for an unknown user', async () => {
    await superadmin
      .call('post', '/users/comments')
      .send({ uid: 'IDNOSUCHUSER', title: 'Note', data: 'x' })
      .expect(404, { errors: ['admin.user.doesnt_exist'] });
  });

  it('validates its parameters, lengths included', async () => {
    await superadmin
      .call('post', '/users/comments')
      .send({})
      .expect(422, {
        errors: [
          'admin.user.missing_uid',
          'admin.user.empty_uid',
          'admin.user.missing_title',
          'admin.user.empty_title',
          'admin.user.missing_data',
          'admin.user.empty_data',
        ],
      });
    const user = await createUser(t);
    const send = (title: string, data: string) =>
      superadmin.call('post', '/users/comments').send({ uid: user.uid, title, data });
    await send('', 'x').expect(422, { errors: ['admin.user.empty_title'] });
    await send('t'.repeat(65), 'x').expect(422, { errors: ['admin.comments.title_too_long'] });
    await send('t', 'd'.repeat(65_536)).expect(422, { errors: ['admin.comments.data_too_long'] });
    // Within the contract's 65535 characters, but more bytes than the column holds.
    await send('t', 'é'.repeat(40_000)).expect(422, { errors: ['admin.comments.data_too_long'] });
    await send('t'.repeat(64), 'd'.repeat(65_535)).expect(201);
    expect(await commentsOf(user)).toHaveLength(1);
  });
});

describe('PUT and DELETE /admin/users/comments', () => {
  async function commented(): Promise<{ user: User; id: number }> {
    const user = await createUser(t);
    const res = await superadmin
      .call('post', '/users/comments')
      .send({ uid: user.uid, title: 'First', data: 'First look.' })
      .expect(201);
    return { user, id: res.body.comments[0].id };
  }

  it("edits any admin's comment, only what is given, and records one admin activity", async () => {
    const { user, id } = await commented();
    const other = await createAdmin(t, 'admin');
    const res = await other
      .call('put', '/users/comments')
      .type('form')
      .send({ id: String(id), title: 'Second' })
      .expect(200);
    expect(res.body.uid).toBe(user.uid);
    expect(res.body.comments).toEqual([
      { id, author_uid: superadmin.user.uid, title: 'Second', data: 'First look.', created_at: TIME, updated_at: TIME },
    ]);
    await other.call('put', '/users/comments').send({ id, data: 'Second look.' }).expect(200);
    expect(await commentsOf(user)).toEqual([expect.objectContaining({ title: 'Second', data: 'Second look.' })]);
    const rows = await adminRows(other);
    expect(rows.map((r) => [r.action, r.target_uid, JSON.parse(r.data)])).toEqual([
      ['update', user.uid, { id, title: 'Second' }],
      ['update', user.uid, { id, data: 'Second look.' }],
    ]);
  });

  it('deletes a comment and answers the KYC view without it', async () => {
    const { user, id } = await commented();
    const res = await superadmin.call('delete', `/users/comments?id=${id}`).expect(200);
    expect(res.body).toMatchObject({ uid: user.uid, comments: [] });
    expect(await commentsOf(user)).toEqual([]);
    const rows = (await adminRows(superadmin)).filter((r) => r.target_uid === user.uid);
    expect(rows.map((r) => r.action)).toEqual(['create', 'delete']);
  });

  it("answers Barong's generic 404 for an unknown comment", async () => {
    await superadmin
      .call('put', '/users/comments')
      .send({ id: 999_999, title: 'x' })
      .expect(404, { errors: ['record.not_found'] });
    await superadmin.call('delete', '/users/comments?id=999999').expect(404, { errors: ['record.not_found'] });
  });

  it('validates its parameters', async () => {
    const { id } = await commented();
    await superadmin
      .call('put', '/users/comments')
      .send({ title: 'x' })
      .expect(422, { errors: ['admin.user.missing_id'] });
    await superadmin
      .call('put', '/users/comments')
      .send({ id: 'one' })
      .expect(422, { errors: ['admin.user.non_integer_id'] });
    await superadmin
      .call('put', '/users/comments')
      .send({ id, title: '', data: '' })
      .expect(422, { errors: ['admin.user.empty_title', 'admin.user.empty_data'] });
    await superadmin
      .call('put', '/users/comments')
      .send({ id, title: 't'.repeat(65) })
      .expect(422, { errors: ['admin.comments.title_too_long'] });
    await superadmin
      .call('put', '/users/comments')
      .send({ id, data: 'é'.repeat(40_000) })
      .expect(422, { errors: ['admin.comments.data_too_long'] });
    await superadmin.call('delete', '/users/comments').expect(422, { errors: ['admin.user.missing_id'] });
    await superadmin.call('delete', '/users/comments?id=one').expect(422, { errors: ['admin.user.non_integer_id'] });
  });
});

describe('GET /admin/api_keys', () => {
  let owner: User;
  let kids: string[];
  beforeAll(async () => {
    owner = await createUser(t);
    kids = [];
    for (const kid of ['b000000000000001', 'a000000000000002', 'c000000000000003'])
      kids.push((await createApiKey(t, { type: 'User', id: owner.id }, { kid })).kid);
    const account = await t.services.uow.repos.serviceAccounts.insert({
      uid: 'SI0123456789',
      ownerId: owner.id,
      email: 'sa@example.com',
      role: 'member',
      level: 1,
      state: 'active',
    });
    await createApiKey(t, { type: 'ServiceAccount', id: account.id }, { kid: 'd000000000000004' });
  });

  it("lists the user's own keys without secrets, id ascending, with the paging headers; records nothing", async () => {
    const technical = await createAdmin(t, 'technical');
    const res = await technical.call('get', `/api_keys?uid=${owner.uid}`).expect(200);
    expect(res.body).toEqual(
      kids.map((kid) => ({ kid, algorithm: 'HS256', scope: [], state: 'active', created_at: TIME, updated_at: TIME })),
    );
    expect(res.headers).toMatchObject({ total: '3', 'per-page': '100', page: '1' });
    expect(await adminRows(technical)).toEqual([]);
  });

  it('orders and pages', async () => {
    const kidsOf = async (query: string) =>
      (await superadmin.call('get', `/api_keys?uid=${owner.uid}&${query}`).expect(200)).body.map(
        (k: { kid: string }) => k.kid,
      );
    expect(await kidsOf('ordering=desc')).toEqual([...kids].reverse());
    expect(await kidsOf('order_by=kid')).toEqual([...kids].sort());
    expect(await kidsOf('order_by=kid&ordering=desc&limit=1&page=2')).toEqual(['b000000000000001']);
    const past = await superadmin.call('get', `/api_keys?uid=${owner.uid}&limit=2&page=3`).expect(200, []);
    expect(past.headers).toMatchObject({ total: '3', 'per-page': '2', page: '3' });
  });

  it('answers 404 for an unknown user and validates its parameters', async () => {
    await superadmin.call('get', '/api_keys?uid=IDNOSUCHUSER').expect(404, { errors: ['admin.user.doesnt_exist'] });
    await superadmin
      .call('get', '/api_keys')
      .expect(422, { errors: ['admin.apikey.missing_uid', 'admin.apikey.empty_uid'] });
    await superadmin.call('get', '/api_keys?uid=').expect(422, { errors: ['admin.apikey.empty_uid'] });
    const base = `/api_keys?uid=${owner.uid}`;
    await superadmin.call('get', `${base}&ordering=up`).expect(422, { errors: ['api_keys.ordering.invalid_ordering'] });
    await superadmin
      .call('get', `${base}&order_by=secret_encrypted`)
      .expect(422, { errors: ['api_keys.ordering.invalid_attribute'] });
    await superadmin.call('get', `${base}&page=0`).expect(422, { errors: ['non_positive_page'] });
    await superadmin.call('get', `${base}&limit=101`).expect(422, { errors: ['invalid_limit'] });
  });
});

describe('who may call them', () => {
  beforeAll(async () => {
    // The permission table lets accountants write to users here, so the abilities file is what refuses them.
    await t.services.permissionsAdmin.create({
      role: 'accountant',
      verb: 'ALL',
      path: 'api/v2/barong/admin/users',
      action: 'ACCEPT',
    });
  });

  it('refuses the roles whose abilities do not reach them', async () => {
    const user = await memberWithStorage();
    const accountant = await createAdmin(t, 'accountant');
    await accountant.call('delete', `/users/data_storage?uid=${user.uid}&title=personal`).expect(401, notPermitted);
    await accountant
      .call('post', '/users/comments')
      .send({ uid: user.uid, title: 'x', data: 'x' })
      .expect(401, notPermitted);
    await accountant.call('put', '/users/comments').send({ id: 1, title: 'x' }).expect(401, notPermitted);
    await accountant.call('delete', '/users/comments?id=1').expect(401, notPermitted);
    for (const role of ['accountant', 'compliance', 'support']) {
      await (await createAdmin(t, role)).call('get', `/api_keys?uid=${user.uid}`).expect(401, notPermitted);
    }
    expect(await t.db.knex('data_storages').where({ user_id: user.id })).toHaveLength(1);
    expect(await commentsOf(user)).toEqual([]);
  });

  it('refuses members, and roles the permission table keeps away from writes', async () => {
    const user = await memberWithStorage();
    const member = await createAdmin(t, 'member');
    await member.call('get', `/api_keys?uid=${user.uid}`).expect(401, invalidPermission);
    await member
      .call('post', '/users/comments')
      .send({ uid: user.uid, title: 'x', data: 'x' })
      .expect(401, invalidPermission);
    const technical = await createAdmin(t, 'technical');
    await technical.call('delete', `/users/data_storage?uid=${user.uid}&title=personal`).expect(401, invalidPermission);
  });
});
