/**
 * The admin API's user reads: GET /admin/users (filters, ordering, pages), GET /admin/users/{uid} (everything
 * compliance reviews, unmasked, with short-lived links to the files) and GET /admin/users/documents/pending.
 * Reads of unmasked personal data are admin activities; the plain lists are not.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../../src/db/repositories/users-repository.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createAdmin, type AdminCaller } from '../support/admin-client.js';
import { bearer, withToken } from '../support/account-client.js';
import { createUser, uniqueEmail } from '../support/factories.js';
import { PNG } from '../support/sample-files.js';

const PROFILE = {
  first_name: 'John',
  last_name: 'Doe',
  dob: '1990-01-15',
  address: '1 Main St',
  postcode: '20500',
  city: 'Washington',
  country: 'US',
};
const DOC = { doc_type: 'Passport', doc_number: 'AB1234567', doc_expire: '2035-01-01' };

let t: TestApp;
let dir: string;
let admin: AdminCaller;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'barong-admin-users-'));
  t = await startTestApp({ BARONG_STORAGE_LOCAL_PATH: dir });
  admin = await createAdmin(t, 'superadmin');
});
afterAll(async () => {
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

const adminReads = (adminId: number) =>
  t.db.knex('activities').where({ user_id: adminId, category: 'admin' }).orderBy('id');

async function withProfile(user: User, fields: Record<string, string> = PROFILE): Promise<void> {
  await withToken(t, 'post', '/profiles', await bearer(t, user))
    .send(fields)
    .expect(201);
}

async function withDocument(user: User): Promise<void> {
  await withToken(t, 'post', '/documents', await bearer(t, user))
    .field(DOC)
    .attach('upload', PNG, 'passport.png')
    .expect(201);
}

/** Users only this test sees: a role of their own keeps other tests' users out of its filters. */
async function users(role: string, count: number, spec: Parameters<typeof createUser>[1] = {}): Promise<User[]> {
  const made: User[] = [];
  for (let i = 0; i < count; i++)
    made.push(await createUser(t, { role, privateLabels: { email: 'verified' }, ...spec }));
  return made;
}

describe('GET /admin/users', () => {
  it('answers Barong’s User entities with the paging headers, filtered, each user once', async () => {
    const [a, b, c] = await users('lister', 3);
    await withProfile(a!);
    await withProfile(b!, { ...PROFILE, country: 'FR' });
    const res = await admin.call('get', '/users?role=lister').expect(200);
    expect(res.headers).toMatchObject({ total: '3', page: '1', 'per-page': '100' });
    expect(res.body).toEqual(
      [a, b, c].map((u) => ({
        email: u!.email,
        uid: u!.uid,
        role: 'lister',
        level: 1,
        otp: false,
        state: 'active',
        referral_uid: null,
        data: null,
        username: null,
      })),
    );
    const us = await admin.call('get', '/users?role=lister&country=US').expect(200);
    expect(us.body.map((u: { uid: string }) => u.uid)).toEqual([a!.uid]);
    expect(us.headers.total).toBe('1');
    expect(await adminReads(admin.user.id)).toEqual([]);
  });

  it('matches uid, email, level and state exactly, and ANDs them', async () => {
    const [a, b] = await users('matcher', 2);
    await t.services.uow.repos.users.update(b!.id, { level: 2, state: 'locked' });
    const uids = async (query: string) =>
      (await admin.call('get', `/users?role=matcher&${query}`).expect(200)).body.map((u: { uid: string }) => u.uid);
    expect(await uids(`uid=${a!.uid}`)).toEqual([a!.uid]);
    expect(await uids(`email=${encodeURIComponent(b!.email)}`)).toEqual([b!.uid]);
    expect(await uids(`email=${encodeURIComponent(b!.email.slice(1))}`)).toEqual([]);
    expect(await uids('level=2')).toEqual([b!.uid]);
    expect(await uids('state=locked')).toEqual([b!.uid]);
    expect(await uids('state=locked&level=1')).toEqual([]);
  });

  it('bounds created_at or updated_at by from and to (Unix seconds, inclusive)', async () => {
    const [old, recent] = await users('timed', 2);
    await t.db
      .knex('users')
      .where({ id: old!.id })
      .update({ created_at: new Date('2020-01-01T00:00:00Z'), updated_at: new Date('2024-01-01T00:00:00Z') });
    const at = (iso: string) => Date.parse(iso) / 1000;
    const uids = async (query: string) =>
      (await admin.call('get', `/users?role=timed&${query}`).expect(200)).body.map((u: { uid: string }) => u.uid);
    expect(await uids(`to=${at('2020-01-01T00:00:00Z')}`)).toEqual([old!.uid]);
    expect(await uids(`from=${at('2020-01-01T00:00:01Z')}`)).toEqual([recent!.uid]);
    expect(await uids(`range=updated&from=${at('2023-12-31T00:00:00Z')}&to=${at('2024-01-01T00:00:00Z')}`)).toEqual([
      old!.uid,
    ]);
  });

  it('orders by order_by and ordering, and pages with a Total of every match', async () => {
    const made = await users('pager', 3);
    const byEmail = [...made].sort((x, y) => (x.email < y.email ? 1 : -1)).map((u) => u.uid);
    const desc = await admin.call('get', '/users?role=pager&order_by=email&ordering=desc').expect(200);
    expect(desc.body.map((u: { uid: string }) => u.uid)).toEqual(byEmail);
    const second = await admin.call('get', '/users?role=pager&limit=2&page=2').expect(200);
    expect(second.body.map((u: { uid: string }) => u.uid)).toEqual([made[2]!.uid]);
    expect(second.headers).toMatchObject({ total: '3', page: '2', 'per-page': '2' });
    const past = await admin.call('get', '/users?role=pager&limit=2&page=3').expect(200);
    expect(past.body).toEqual([]);
    expect(past.headers.total).toBe('3');
  });

  it('shows the referrer by uid', async () => {
    const [referrer] = await users('referrer', 1);
    const [referred] = await users('referred', 1);
    await t.services.uow.repos.users.update(referred!.id, { referralId: referrer!.id });
    const res = await admin.call('get', '/users?role=referred').expect(200);
    expect(res.body[0].referral_uid).toBe(referrer!.uid);
  });

  it('with extended=true: unmasked profiles and timestamps, and the read is an admin activity', async () => {
    const reader = await createAdmin(t, 'superadmin');
    const [user] = await users('extended', 1);
    await withProfile(user!);
    const res = await reader.call('get', '/users?role=extended&extended=true').expect(200);
    expect(res.body).toEqual([
      expect.objectContaining({
        uid: user!.uid,
        profiles: [
          expect.objectContaining({
            first_name: 'John',
            last_name: 'Doe',
            dob: '1990-01-15',
            country: 'US',
            state: 'drafted',
          }),
        ],
        created_at: expect.stringMatching(/Z$/),
        updated_at: expect.stringMatching(/Z$/),
      }),
    ]);
    const [read] = await adminReads(reader.user.id);
    expect(read).toMatchObject({ topic: 'users', action: 'read', result: 'succeed', target_uid: '' });
    expect(JSON.parse(read.data)).toMatchObject({ role: 'extended', extended: true });
  });

  it.each([
    ['extended=maybe', 'admin.user.non_boolean_extended'],
    ['ordering=up', 'user.ordering.invalid_ordering'],
    ['order_by=password_digest', 'user.ordering.invalid_attribute'],
    ['range=deleted', 'admin.user.invalid_range'],
    ['level=one', 'admin.user.non_integer_level'],
    ['from=yesterday', 'admin.user.non_integer_from'],
    ['page=0', 'non_positive_page'],
    ['limit=101', 'invalid_limit'],
  ])('refuses %s with %s', async (query, key) => {
    await admin.call('get', `/users?${query}`).expect(422, { errors: [key] });
  });
});

describe('GET /admin/users/{uid}', () => {
  it('answers everything compliance reviews, unmasked, and records the read', async () => {
    const reader = await createAdmin(t, 'compliance');
    const user = await createUser(t, { privateLabels: { email: 'verified' } });
    await withProfile(user);
    await withDocument(user);
    const number = '12025550471';
    await t.services.uow.repos.phones.insert(
      {
        userId: user.id,
        country: 'US',
        numberEncrypted: t.services.encryptor.encrypt(number),
        numberIndex: t.services.encryptor.blindIndex(number),
      },
      { codeDigest: null, codeExpiresAt: new Date(), codeSentAt: new Date() },
    );
    await t.services.uow.repos.dataStorages.insert(user.id, 'notes', '{"a":1}');
    await t.services.uow.repos.labels.insert(user.id, 'vip', 'gold', 'public', 'a loyal customer');
    // No comment writes in this group: a row as the comments operations store it.
    await t.db
      .knex('comments')
      .insert({ user_id: user.id, author_uid: reader.user.uid, title: 'call', data: 'Called about the passport' });

    const res = await reader.call('get', `/users/${user.uid}`).expect(200);
    const body = res.body;
    expect(body).toMatchObject({
      uid: user.uid,
      email: user.email,
      role: 'member',
      referral_uid: null,
      data: null,
      username: null,
    });
    expect(body.profiles).toEqual([expect.objectContaining({ last_name: 'Doe', dob: '1990-01-15' })]);
    expect(body.phones).toEqual([{ country: 'US', number, validated_at: null }]);
    expect(body.labels).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'document', value: 'pending', scope: 'private', description: null }),
        expect.objectContaining({ key: 'vip', value: 'gold', scope: 'public', description: 'a loyal customer' }),
      ]),
    );
    expect(body.data_storages).toEqual([expect.objectContaining({ title: 'notes', data: '{"a":1}' })]);
    expect(body.comments).toEqual([
      expect.objectContaining({ author_uid: reader.user.uid, title: 'call', data: 'Called about the passport' }),
    ]);
    expect(body.documents).toEqual([
      expect.objectContaining({ doc_type: 'Passport', doc_number: 'AB1234567', doc_expire: '2035-01-01' }),
    ]);

    // The link opens the file, and only for BARONG_UPLOAD_AUTH_URL_EXPIRATION seconds.
    const link = new URL(body.documents[0].upload, 'http://server');
    const expires = Number(link.searchParams.get('expires'));
    expect(expires - Date.now() / 1000).toBeGreaterThan(t.config.uploads.urlExpirationSeconds - 10);
    expect(expires - Date.now() / 1000).toBeLessThanOrEqual(t.config.uploads.urlExpirationSeconds);
    const file = await request(t.app)
      .get(link.pathname + link.search)
      .buffer(true)
      .expect(200);
    expect(Buffer.compare(file.body as Buffer, PNG)).toBe(0);

    const reads = await adminReads(reader.user.id);
    expect(reads).toHaveLength(1);
    expect(reads[0]).toMatchObject({ topic: 'users', action: 'read', result: 'succeed', target_uid: user.uid });
  });

  it('answers 404 for an unknown uid, and records nothing', async () => {
    const reader = await createAdmin(t, 'superadmin');
    await reader.call('get', '/users/ID0000000000').expect(404, { errors: ['admin.user.doesnt_exist'] });
    expect(await adminReads(reader.user.id)).toEqual([]);
  });
});

describe('GET /admin/users/documents/pending', () => {
  async function documentLabel(user: User, value: string, updatedAt: string, scope = 'private'): Promise<void> {
    await t.services.uow.repos.labels.insert(user.id, 'document', value, scope as 'private');
    await t.db
      .knex('labels')
      .where({ user_id: user.id, key: 'document', scope })
      .update({ updated_at: new Date(updatedAt) });
  }

  it('lists users whose document waits for review, the longest waiting first, each once', async () => {
    const [newer, older, replaced, verified, publicOnly, twoProfiles] = await users('reviewed', 6);
    await documentLabel(newer!, 'pending', '2024-03-01T00:00:00Z');
    await documentLabel(older!, 'pending', '2024-01-01T00:00:00Z');
    await documentLabel(replaced!, 'replaced', '2024-02-01T00:00:00Z');
    await documentLabel(verified!, 'verified', '2023-01-01T00:00:00Z');
    await documentLabel(publicOnly!, 'pending', '2023-01-01T00:00:00Z', 'public');
    await documentLabel(twoProfiles!, 'pending', '2024-04-01T00:00:00Z');
    await withProfile(twoProfiles!);
    await t.db.knex('profiles').where({ user_id: twoProfiles!.id }).update({ state: 4 });
    await withProfile(twoProfiles!);

    const res = await admin.call('get', '/users/documents/pending?role=reviewed').expect(200);
    expect(res.body.map((u: { uid: string }) => u.uid)).toEqual([
      older!.uid,
      replaced!.uid,
      newer!.uid,
      twoProfiles!.uid,
    ]);
    expect(res.body[0]).toEqual({
      email: older!.email,
      uid: older!.uid,
      role: 'reviewed',
      level: 1,
      otp: false,
      state: 'active',
      referral_uid: null,
      data: null,
      username: null,
    });
    expect(res.headers).toMatchObject({ total: '4', page: '1', 'per-page': '100' });
    const us = await admin
      .call('get', '/users/documents/pending?role=reviewed&country=US&first_name=Ignored')
      .expect(200);
    expect(us.body.map((u: { uid: string }) => u.uid)).toEqual([twoProfiles!.uid]);
    const page = await admin.call('get', '/users/documents/pending?role=reviewed&limit=1&page=2').expect(200);
    expect(page.body.map((u: { uid: string }) => u.uid)).toEqual([replaced!.uid]);
    expect(page.headers.total).toBe('4');
  });

  it('with extended=true: each user as compliance reviews them, and the read is an admin activity', async () => {
    const reader = await createAdmin(t, 'compliance');
    const user = await createUser(t, { role: 'uploader', privateLabels: { email: 'verified' } });
    await withDocument(user);
    const res = await reader.call('get', '/users/documents/pending?role=uploader&extended=true').expect(200);
    expect(res.body).toEqual([
      expect.objectContaining({ uid: user.uid, documents: [expect.objectContaining({ doc_number: 'AB1234567' })] }),
    ]);
    expect(await adminReads(reader.user.id)).toEqual([
      expect.objectContaining({ topic: 'users', action: 'read', target_uid: '' }),
    ]);
  });

  it('refuses an invalid filter', async () => {
    await admin
      .call('get', '/users/documents/pending?range=soon')
      .expect(422, { errors: ['admin.user.invalid_range'] });
  });
});

describe('who may read users', () => {
  it('lets the reading roles in; keeps members and the roles the permission table drops out', async () => {
    const [user] = await users('watched', 1);
    for (const role of ['accountant', 'technical', 'support', 'compliance', 'admin']) {
      const caller = await createAdmin(t, role);
      await caller.call('get', '/users?role=watched').expect(200);
      await caller.call('get', `/users/${user!.uid}`).expect(200);
    }
    const member = await createAdmin(t, 'member', { email: uniqueEmail('member') });
    await member.call('get', '/users').expect(401, { errors: ['authz.invalid_permission'] });
    await member.call('get', `/users/${user!.uid}`).expect(401, { errors: ['authz.invalid_permission'] });
    // Barong's seeded DROPs: neither reviews documents.
    for (const role of ['accountant', 'technical']) {
      await (
        await createAdmin(t, role)
      )
        .call('get', '/users/documents/pending')
        .expect(401, { errors: ['authz.invalid_permission'] });
    }
  });
});
