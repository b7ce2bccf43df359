import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { sessionCookie, uniqueEmail, STRONG_PASSWORD } from '../support/factories.js';

const SIGN_UP = '/api/v2/barong/identity/users';
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const signUp = (body: Record<string, unknown>) =>
  request(t.app).post(SIGN_UP).set('User-Agent', 'vitest-browser/1.0').type('form').send(body);

const FULL_INFO_KEYS = [
  'created_at',
  'csrf_token',
  'data',
  'data_storages',
  'email',
  'labels',
  'level',
  'otp',
  'phones',
  'profiles',
  'referral_uid',
  'role',
  'state',
  'uid',
  'updated_at',
  'username',
];

describe('POST /identity/users', () => {
  it('makes the first user an active superadmin with email verified, level 1, and logs them in', async () => {
    const email = uniqueEmail('first');
    const res = await signUp({ email, password: STRONG_PASSWORD }).expect(201);
    expect(Object.keys(res.body).sort()).toEqual(FULL_INFO_KEYS);
    expect(res.body).toMatchObject({
      email,
      role: 'superadmin',
      state: 'active',
      level: 1,
      otp: false,
      username: null,
    });
    expect(res.body.uid).toMatch(/^ID[0-9A-F]{10}$/);
    expect(res.body.labels).toEqual([
      {
        key: 'email',
        value: 'verified',
        scope: 'private',
        created_at: expect.any(String),
        updated_at: expect.any(String),
      },
    ]);
    expect(sessionCookie(res)).toBeDefined();
    const activity = await t.db.knex('activities').where({ topic: 'account', action: 'signup' }).first();
    expect(activity).toMatchObject({ result: 'succeed', user_agent: 'vitest-browser/1.0' });
  });

  it('makes later users pending members at level 0, with username lower-cased and data kept', async () => {
    const res = await signUp({
      email: uniqueEmail('later'),
      password: STRONG_PASSWORD,
      username: 'JaneDoe42',
      data: '{"language":"ru"}',
    }).expect(201);
    expect(res.body).toMatchObject({
      role: 'member',
      state: 'pending',
      level: 0,
      username: 'janedoe42',
      data: '{"language":"ru"}',
    });
    expect(res.body.labels).toEqual([]);
    expect(res.body.csrf_token).toMatch(/^[0-9a-f]{32}$/);
  });

  it('refuses an e-mail already taken, whatever its case, and never answers 500', async () => {
    const email = uniqueEmail('taken');
    await signUp({ email, password: STRONG_PASSWORD }).expect(201);
    const again = await signUp({ email: email.toUpperCase(), password: STRONG_PASSWORD }).expect(422);
    expect(again.body).toEqual({ errors: ['email.taken'] });
  });

  it('creates one user when the same e-mail signs up twice at once', async () => {
    const email = uniqueEmail('race');
    const results = await Promise.all([1, 2, 3].map(() => signUp({ email, password: STRONG_PASSWORD })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 422, 422]);
    expect(await t.db.knex('users').where({ email }).count({ n: '*' })).toEqual([{ n: 1 }]);
  });

  it.each([
    [{ password: 'short' }, ['password.requirements']],
    [{ password: 'Password1' }, ['password.weak']],
    [{ email: 'not-an-email' }, ['email.invalid']],
    [{ username: 'abc' }, ['username.too_short']],
    [{ username: 'abcdefghijklm' }, ['username.too_long']],
    [{ username: 'bad name!' }, ['username.invalid']],
    [{ data: 'not json' }, ['data.invalid_format']],
    [{ data: JSON.stringify({ x: 'y'.repeat(1100) }) }, ['data.too_long']],
    [{ email: 'bad', password: 'Password1' }, ['email.invalid', 'password.weak']],
  ])('model errors %j → 422 %j', async (overrides, errors) => {
    const res = await signUp({ email: uniqueEmail('model'), password: STRONG_PASSWORD, ...overrides }).expect(422);
    expect(res.body).toEqual({ errors });
  });

  it('takes a referral by uid and shows it as referral_uid', async () => {
    const referrer = await signUp({ email: uniqueEmail('referrer'), password: STRONG_PASSWORD }).expect(201);
    const res = await signUp({
      email: uniqueEmail('referred'),
      password: STRONG_PASSWORD,
      refid: referrer.body.uid,
    }).expect(201);
    expect(res.body.referral_uid).toBe(referrer.body.uid);
  });

  it('checks the referral: wrong prefix, unknown uid', async () => {
    const base = { email: uniqueEmail('ref'), password: STRONG_PASSWORD };
    expect((await signUp({ ...base, refid: 'XX123' }).expect(422)).body).toEqual({
      errors: ['identity.user.invalid_referral_format'],
    });
    expect((await signUp({ ...base, refid: 'ID0000000000' }).expect(422)).body).toEqual({
      errors: ['identity.user.referral_doesnt_exist'],
    });
  });

  it('a username already taken is refused', async () => {
    await signUp({ email: uniqueEmail('u1'), password: STRONG_PASSWORD, username: 'uniqueone' }).expect(201);
    const res = await signUp({ email: uniqueEmail('u2'), password: STRONG_PASSWORD, username: 'UniqueOne' }).expect(
      422,
    );
    expect(res.body).toEqual({ errors: ['username.taken'] });
  });

  it('takes JSON bodies too', async () => {
    const res = await request(t.app)
      .post(SIGN_UP)
      .send({ email: uniqueEmail('json'), password: STRONG_PASSWORD })
      .expect(201);
    expect(res.body.state).toBe('pending');
  });

  it('stores an argon2id digest, never the password', async () => {
    const email = uniqueEmail('digest');
    await signUp({ email, password: STRONG_PASSWORD }).expect(201);
    const row = await t.db.knex('users').where({ email }).first();
    expect(row.password_digest).toMatch(/^\$argon2id\$/);
    expect(row.password_digest).not.toContain(STRONG_PASSWORD);
  });
});
