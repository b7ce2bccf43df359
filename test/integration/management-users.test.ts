/** Management API: users (get, list, create, update, import) and profiles, signed as the exchange's services sign. */
import bcrypt from 'bcryptjs';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { MANAGEMENT, managementKeys, managementTestApp } from '../support/management-client.js';
import { activeUser, createUser, STRONG_PASSWORD, uniqueEmail } from '../support/factories.js';
import { login } from '../support/account-client.js';
import type { DomainEvent } from '../../src/domain/events/domain-events.js';

// write_users needs both services, as a deployment may ask; the other scopes need applogic.
const keys = managementKeys({
  write_users: { permitted_signers: ['applogic', 'peatio'], mandatory_signers: ['applogic', 'peatio'] },
});
const BOTH = ['applogic', 'peatio'];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
let numberSeq = 300;
const newNumber = () => `1202555${String(numberSeq++).padStart(4, '0')}`;

const m = managementTestApp(keys);

const recordUid = (e: DomainEvent) =>
  (e.payload.record as { uid?: string; user?: { uid: string } }).uid ??
  (e.payload.record as { user?: { uid: string } }).user?.uid;
const eventsOf = (uid: string) => m.events.filter((e) => recordUid(e) === uid);
const labelsOf = async (userId: number) =>
  Object.fromEntries((await m.t.services.uow.repos.labels.listByUser(userId)).map((l) => [l.key, l.value]));

/** A phone stored as the resource API stores a number it has not verified yet. */
async function unverifiedPhone(userId: number, digits: string) {
  const { encryptor, uow } = m.t.services;
  const challenge = { codeDigest: null, codeExpiresAt: new Date(Date.now() + 60_000), codeSentAt: new Date() };
  await uow.repos.phones.insert(
    { userId, country: 'US', numberEncrypted: encryptor.encrypt(digits), numberIndex: encryptor.blindIndex(digits) },
    challenge,
  );
}

describe('POST /users/get', () => {
  it('finds one user by uid, by e-mail or by a phone number (any state), with KYC data unmasked; 201', async () => {
    const user = await activeUser(m.t);
    const digits = newNumber();
    await unverifiedPhone(user.id, digits);
    await m
      .call(
        '/profiles',
        { uid: user.uid, first_name: 'Jane', last_name: 'Roe', dob: '1990-01-15', country: 'us' },
        BOTH,
      )
      .expect(201);
    const byUid = await m.call('/users/get', { uid: user.uid }).expect(201);
    expect(byUid.body).toMatchObject({
      email: user.email,
      uid: user.uid,
      role: 'member',
      level: 1,
      state: 'active',
      referral_uid: null,
      profiles: [{ first_name: 'Jane', last_name: 'Roe', dob: '1990-01-15', country: 'US', state: 'drafted' }],
      phones: [{ country: 'US', number: digits, validated_at: null }],
      documents: [],
      data_storages: [],
      comments: [],
      created_at: expect.stringMatching(ISO),
    });
    expect(byUid.body.labels).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'email', value: 'verified', scope: 'private', description: null }),
      ]),
    );
    const byEmail = await m.call('/users/get', { email: user.email.toUpperCase() }).expect(201);
    expect(byEmail.body.uid).toBe(user.uid);
    const byPhone = await m.call('/users/get', { phone_num: `+${digits}` }).expect(201);
    expect(byPhone.body.uid).toBe(user.uid);
  });

  it('404 Record is not found for an unknown uid, e-mail or number', async () => {
    await m.call('/users/get', { uid: 'ID0000000000' }).expect(404, { error: 'Record is not found' });
    await m.call('/users/get', { email: 'nobody@example.com' }).expect(404, { error: 'Record is not found' });
    await m.call('/users/get', { phone_num: newNumber() }).expect(404, { error: 'Record is not found' });
  });

  it("422 with Grape's messages unless exactly one of uid, email and phone_num is given", async () => {
    await m
      .call('/users/get', {})
      .expect(422, { error: 'uid, email, phone_num are missing, exactly one parameter must be provided' });
    await m
      .call('/users/get', { uid: 'ID0000000000', email: 'a@example.com' })
      .expect(422, { error: 'uid, email are mutually exclusive' });
    await m.call('/users/get', { uid: '' }).expect(422, { error: 'uid is empty' });
  });
});

describe('POST /users/list', () => {
  it('pages users in id order with the paging headers; extended adds unmasked profiles; from/to bound the range', async () => {
    const a = await activeUser(m.t);
    const b = await activeUser(m.t);
    // Both created tomorrow, so no other user of this file falls in the range.
    const tomorrow = Math.floor(Date.now() / 1000) + 86_400;
    for (const [i, u] of [a, b].entries())
      await m.t.db
        .knex('users')
        .where({ id: u.id })
        .update({ created_at: new Date((tomorrow + i) * 1000) });
    await m.call('/profiles', { uid: b.uid, last_name: 'Doe', dob: '1980-02-03' }, BOTH).expect(201);
    const all = await m.call('/users/list', {}).expect(200);
    expect(Number(all.headers.total)).toBeGreaterThanOrEqual(2);
    expect(all.headers['per-page']).toBe('100');
    expect(all.headers.page).toBe('1');
    const uids = all.body.map((u: { uid: string }) => u.uid);
    expect(uids.indexOf(a.uid)).toBeLessThan(uids.indexOf(b.uid));
    expect(all.body[0]).not.toHaveProperty('profiles');

    const recent = await m.call('/users/list', { from: tomorrow, extended: true, limit: 1, page: 2 }).expect(200);
    expect(recent.headers).toMatchObject({ total: '2', 'per-page': '1', page: '2' });
    expect(recent.body).toEqual([
      expect.objectContaining({
        uid: b.uid,
        profiles: [expect.objectContaining({ last_name: 'Doe', dob: '1980-02-03' })],
      }),
    ]);
    const first = await m.call('/users/list', { range: 'created', from: tomorrow, to: tomorrow }).expect(200);
    expect(first.body.map((u: { uid: string }) => u.uid)).toEqual([a.uid]);
  });

  it("422 with Barong's parameter messages", async () => {
    await m.call('/users/list', { limit: 101 }).expect(422, { error: 'limit invalid_limit' });
    await m.call('/users/list', { page: 0 }).expect(422, { error: 'page non_positive_page' });
    await m.call('/users/list', { page: 'one' }).expect(422, { error: 'page non_integer_page' });
    await m.call('/users/list', { extended: 'maybe' }).expect(422, { error: 'extended Non boolean extended value' });
    await m.call('/users/list', { range: 'deleted' }).expect(422, { error: 'range Invalid range' });
  });
});

describe('POST /users', () => {
  it('creates a pending member as sign-up does, without its mail or an activity; model.user.created; 201', async () => {
    const referrer = await activeUser(m.t);
    const email = uniqueEmail('managed');
    const res = await m
      .call('/users', { email, password: STRONG_PASSWORD, referral_uid: referrer.uid }, BOTH)
      .expect(201);
    expect(res.body).toEqual({
      email,
      uid: expect.stringMatching(/^ID[0-9A-F]{10}$/),
      role: 'member',
      level: 0,
      otp: false,
      state: 'pending',
      referral_uid: referrer.uid,
      data: null,
      username: null,
      profiles: [],
      created_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
    });
    const stored = (await m.t.services.uow.repos.users.findByUid(res.body.uid))!;
    expect(stored.passwordDigest).toMatch(/^\$argon2id\$/);
    expect(eventsOf(res.body.uid).map((e) => e.name)).toEqual(['model.user.created']);
    expect(await m.t.db.knex('activities').where({ user_id: stored.id }).count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it("422 with the user's rules as Rails' messages", async () => {
    const taken = await activeUser(m.t);
    await m
      .call('/users', { email: 'not-an-email', password: 'short' }, BOTH)
      .expect(422, { error: 'Email is invalid, Password requirements' });
    await m
      .call('/users', { email: taken.email, password: STRONG_PASSWORD }, BOTH)
      .expect(422, { error: 'Email has already been taken' });
    await m
      .call('/users', { email: uniqueEmail(), password: STRONG_PASSWORD, referral_uid: 'ID0000000000' }, BOTH)
      .expect(422, { error: 'Referral doesnt_exist' });
    await m
      .call('/users', {}, BOTH)
      .expect(422, { error: 'email is missing, email is empty, password is missing, password is empty' });
  });
});

describe('POST /users/update', () => {
  it('sets role and data; model.user.updated names what they were; 201', async () => {
    const user = await activeUser(m.t);
    const res = await m
      .call('/users/update', { uid: user.uid, role: 'trader', data: '{"tier":"gold"}' }, BOTH)
      .expect(201);
    expect(res.body).toMatchObject({ uid: user.uid, role: 'trader', data: '{"tier":"gold"}', profiles: [] });
    const event = eventsOf(user.uid)
      .filter((e) => e.name === 'model.user.updated')
      .at(-1);
    expect(event?.payload).toMatchObject({ record: { role: 'trader' }, changes: { role: 'member', data: null } });
  });

  it('422: neither role nor data, an unknown user, an unknown role, data that is not JSON', async () => {
    const user = await activeUser(m.t);
    await m
      .call('/users/update', { uid: user.uid }, BOTH)
      .expect(422, { error: 'role, data are missing, at least one parameter must be provided' });
    await m
      .call('/users/update', { uid: 'ID0000000000', role: 'trader' }, BOTH)
      .expect(422, { error: 'user.doesnt_exist' });
    await m
      .call('/users/update', { uid: user.uid, role: 'pirate', data: '{' }, BOTH)
      .expect(422, { error: 'Role doesnt_exist, Data invalid_format' });
    expect((await m.t.services.uow.repos.users.findById(user.id))!.role).toBe('member');
  });
});

describe('POST /users/import', () => {
  const digestOf = (password: string) => bcrypt.hashSync(password, 4);

  it('imports a user with a bcrypt digest, a verified phone and a profile; the user signs in with the password and is rehashed to argon2id', async () => {
    const email = uniqueEmail('imported');
    const password = 'Imported-Pass1word';
    const digits = newNumber();
    const res = await m
      .call(
        '/users/import',
        {
          email,
          password_digest: digestOf(password),
          phone: digits,
          first_name: 'Ann',
          country: 'GB',
          state: 'verified',
        },
        BOTH,
      )
      .expect(201);
    expect(res.body).toMatchObject({
      email,
      role: 'member',
      state: 'pending',
      level: 0,
      profiles: [{ first_name: 'Ann', country: 'GB', state: 'verified' }],
    });
    const user = (await m.t.services.uow.repos.users.findByUid(res.body.uid))!;
    const [phone] = await m.t.services.uow.repos.phones.listByUser(user.id);
    expect(phone?.validatedAt).toBeInstanceOf(Date);
    expect(m.t.services.encryptor.decrypt(phone!.numberEncrypted)).toBe(digits);
    // The phone is verified without its label (no level change); the profile sets its own.
    expect(await labelsOf(user.id)).toEqual({ profile: 'verified' });
    expect(eventsOf(user.uid).map((e) => e.name)).toEqual(
      expect.arrayContaining(['model.user.created', 'model.profile.created', 'model.label.created']),
    );

    // Barong imports users pending until their e-mail is verified; the password works once they are active.
    await m.call('/labels', { user_uid: user.uid, key: 'email', value: 'verified' }).expect(201);
    await login(m.t, { email, password });
    expect((await m.t.services.uow.repos.users.findById(user.id))!.passwordDigest).toMatch(/^\$argon2id\$/);
    await login(m.t, { email, password });
  });

  it('an import without profile fields still gets an empty drafted profile', async () => {
    const res = await m
      .call('/users/import', { email: uniqueEmail('bare'), password_digest: digestOf('whatever') }, BOTH)
      .expect(201);
    expect(res.body.profiles).toEqual([expect.objectContaining({ first_name: null, state: 'drafted' })]);
  });

  it('422 and nothing created: a taken e-mail, a digest that is not bcrypt, an invalid number or profile field', async () => {
    const taken = await createUser(m.t);
    const digest = digestOf('whatever');
    await m
      .call('/users/import', { email: taken.email, password_digest: digest }, BOTH)
      .expect(422, { error: 'User already exists by this email' });
    const email = uniqueEmail('refused');
    await m
      .call('/users/import', { email, password_digest: 'plain-text' }, BOTH)
      .expect(422, { error: 'Password digest is invalid' });
    await m
      .call('/users/import', { email, password_digest: digest, phone: '12' }, BOTH)
      .expect(422, { error: 'Number is invalid' });
    await m
      .call(
        '/users/import',
        { email, password_digest: digest, phone: newNumber(), country: 'Atlantis', state: 'approved' },
        BOTH,
      )
      .expect(422, {
        error: 'Country must have alpha2 or alpha3 format, State is not included in the list',
      });
    await m
      .call('/users/import', { email, password_digest: digest, dob: 'tomorrow' }, BOTH)
      .expect(422, { error: 'dob is invalid' });
    expect(await m.t.services.uow.repos.users.findByEmail(email)).toBeUndefined();
  });
});

describe('POST /profiles', () => {
  it('creates a profile in any state and sets the profile label, even over a verified one; 201 with the user', async () => {
    const user = await activeUser(m.t);
    await m.call('/profiles', { uid: user.uid, first_name: 'Ann', state: 'verified' }, BOTH).expect(201);
    const res = await m
      .call(
        '/profiles',
        { uid: user.uid, first_name: 'Ann', last_name: 'Lee', state: 'rejected', metadata: '{"source":"kyc"}' },
        BOTH,
      )
      .expect(201);
    expect(res.body.profiles).toEqual([
      expect.objectContaining({ first_name: 'Ann', state: 'verified' }),
      expect.objectContaining({ last_name: 'Lee', state: 'rejected', metadata: '{"source":"kyc"}' }),
    ]);
    expect(await labelsOf(user.id)).toMatchObject({ profile: 'rejected' });
  });

  it('422: an unknown user, a second open profile, invalid fields', async () => {
    const user = await activeUser(m.t);
    await m.call('/profiles', { uid: 'ID0000000000' }, BOTH).expect(422, { error: 'user.doesnt_exist' });
    await m.call('/profiles', { uid: user.uid }, BOTH).expect(201);
    await m
      .call('/profiles', { uid: user.uid, state: 'submitted', first_name: 'R2-D2!', postcode: 'X' }, BOTH)
      .expect(422, {
        error: `First name only allows letters, digits "-", "'", and space, Postcode is too short (minimum is 2 characters), State already exists`,
      });
    await m
      .call('/profiles', { uid: user.uid, state: 'verified', dob: '2999-01-01' }, BOTH)
      .expect(422, { error: 'Dob cant be in future' });
  });
});

describe('signers of the users scopes', () => {
  it('refuses a request without every mandatory signer', async () => {
    const user = await activeUser(m.t);
    await m
      .call('/users/get', { uid: user.uid }, ['peatio'])
      .expect(401, { error: 'Not enough signatures for the action.' });
    await m
      .call('/users/update', { uid: user.uid, role: 'trader' }, ['applogic'])
      .expect(401, { error: 'Not enough signatures for the action.' });
    await m
      .call('/users', { email: uniqueEmail(), password: STRONG_PASSWORD }, ['peatio'])
      .expect(401, { error: 'Not enough signatures for the action.' });
    expect((await m.t.services.uow.repos.users.findById(user.id))!.role).toBe('member');
  });
});

describe('a service holding a configured key', () => {
  it('creates, imports and labels users; an unsigned or under-signed request gets 401', async () => {
    const created = await m.call('/users', { email: uniqueEmail('svc'), password: STRONG_PASSWORD }, BOTH).expect(201);
    const imported = await m
      .call(
        '/users/import',
        { email: uniqueEmail('svc'), password_digest: bcrypt.hashSync('Imported-Pass1word', 4) },
        BOTH,
      )
      .expect(201);
    for (const uid of [created.body.uid, imported.body.uid]) {
      const label = await m.call('/labels', { user_uid: uid, key: 'email', value: 'verified' }).expect(201);
      expect(label.body).toMatchObject({ key: 'email', value: 'verified', scope: 'private' });
      const got = await m.call('/users/get', { uid }).expect(201);
      expect(got.body).toMatchObject({ state: 'active', level: 1 });
    }
    const unsigned = { data: { user_uid: created.body.uid, key: 'kyc', value: 'verified' } };
    await request(m.t.app)
      .post(`${MANAGEMENT}/labels`)
      .set('Content-Type', 'application/json')
      .send(unsigned)
      .expect(401, { error: 'Failed to verify JWT.' });
    await m
      .call('/labels', { user_uid: created.body.uid, key: 'kyc', value: 'verified' }, ['peatio'])
      .expect(401, { error: 'Not enough signatures for the action.' });
    expect(await labelsOf((await m.t.services.uow.repos.users.findByUid(created.body.uid))!.id)).not.toHaveProperty(
      'kyc',
    );
  });
});
