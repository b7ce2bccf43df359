/**
 * POST /identity/sessions/auth0 (reference §3.9) against a local stand-in of an Auth0 tenant's JWKS: new and
 * known users, every way a token can be wrong, account states and 2FA, and an unconfigured or unreachable tenant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { generateSecret } from 'otplib';
import { startTestApp, type TestApp } from '../support/app.js';
import { createUser, sessionCookie, uniqueEmail } from '../support/factories.js';
import { generateKeyPair, startAuth0Tenant, unreachableUrl, type Auth0Tenant } from '../support/stand-ins.js';
import type { DomainEvent } from '../../src/domain/events/domain-events.js';

const AUTH0 = '/api/v2/barong/identity/sessions/auth0';
const CLIENT_ID = 'barong-test-client';
const INVALID = { errors: ['identity.session.auth0.invalid_params'] };

let tenant: Auth0Tenant;
let t: TestApp;
const events: DomainEvent[] = [];

beforeAll(async () => {
  tenant = await startAuth0Tenant(CLIENT_ID);
  t = await startTestApp({
    BARONG_AUTH0_DOMAIN: 'tenant.example.com',
    BARONG_AUTH0_CLIENT_ID: CLIENT_ID,
    BARONG_AUTH0_ISSUER_URL: tenant.issuer,
  });
  t.services.dispatcher.subscribe('test-recorder', async (e) => void events.push(e));
});
afterAll(async () => {
  await t?.close();
  await tenant?.close();
});

const auth0Login = (app: TestApp, idToken: unknown) =>
  request(app.app).post(AUTH0).set('User-Agent', 'vitest-browser/1.0').type('form').send({ id_token: idToken });

const activities = (userId: number) =>
  t.db.knex('activities').where({ user_id: userId }).orderBy('id').select('topic', 'action', 'result', 'data');

const usersWithEmail = async (email: string) =>
  Number((await t.db.knex('users').where({ email }).count({ n: '*' }))[0]!.n);

describe('a new user whose e-mail Auth0 has verified', () => {
  it('is created as an active member with the e-mail verified, and logged in', async () => {
    const email = uniqueEmail('auth0-new');
    const res = await auth0Login(t, await tenant.sign({ email, email_verified: true })).expect(200);
    expect(res.body).toMatchObject({
      email,
      uid: expect.stringMatching(/^ID[0-9A-F]{10}$/),
      role: 'member',
      level: 1,
      otp: false,
      state: 'active',
      username: null,
      referral_uid: null,
      csrf_token: expect.stringMatching(/^[0-9a-f]{32}$/),
      labels: [expect.objectContaining({ key: 'email', value: 'verified', scope: 'private' })],
    });
    const cookie = sessionCookie(res);
    expect(cookie).toMatch(/^_barong_session=[0-9a-f]{64}$/);

    const user = await t.services.uow.repos.users.findByUid(res.body.uid);
    expect(user).toMatchObject({ email, state: 'active', level: 1, role: 'member' });
    expect(user!.passwordDigest).toMatch(/^\$argon2id\$/);
    expect(await activities(user!.id)).toEqual([
      { topic: 'account', action: 'signup', result: 'succeed', data: null },
      { topic: 'session', action: 'login', result: 'succeed', data: null },
    ]);
    const mine = events.filter((e) => JSON.stringify(e.payload).includes(user!.uid)).map((e) => e.name);
    expect(mine[0]).toBe('model.user.created');
    expect(mine.at(-1)).toBe('system.session.create');
    expect([...mine].sort()).toEqual([
      'model.label.created',
      'model.user.created',
      'model.user.updated',
      'system.session.create',
    ]);

    // The session is real: logout with the cookie ends it.
    await request(t.app).delete('/api/v2/barong/identity/sessions').set('Cookie', cookie!).expect(204);
  });

  it('signs in to the same account the next time', async () => {
    const email = uniqueEmail('auth0-again');
    const first = await auth0Login(t, await tenant.sign({ email, email_verified: true })).expect(200);
    const second = await auth0Login(t, await tenant.sign({ email, email_verified: true })).expect(200);
    expect(second.body.uid).toBe(first.body.uid);
    expect(second.body.csrf_token).not.toBe(first.body.csrf_token);
    expect(await usersWithEmail(email)).toBe(1);
  });
});

describe('refused tokens: 401 identity.session.auth0.invalid_params', () => {
  it('an unknown e-mail Auth0 has not verified creates nobody', async () => {
    for (const claims of [{ email_verified: false }, {}]) {
      const email = uniqueEmail('auth0-unverified');
      const res = await auth0Login(t, await tenant.sign({ email, ...claims })).expect(401);
      expect(res.body).toEqual(INVALID);
      expect(sessionCookie(res)).toBeUndefined();
      expect(await usersWithEmail(email)).toBe(0);
    }
  });

  it('a token signed by another key, with the tenant key id or another', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const claims = { email: uniqueEmail('auth0-forged'), email_verified: true };
    expect((await auth0Login(t, await tenant.sign(claims, { key: privateKey })).expect(401)).body).toEqual(INVALID);
    expect(
      (await auth0Login(t, await tenant.sign(claims, { key: privateKey, kid: 'other' })).expect(401)).body,
    ).toEqual(INVALID);
    expect(await usersWithEmail(claims.email)).toBe(0);
  });

  it.each([
    ['another audience', { audience: 'someone-else' }],
    ['another issuer', { issuer: 'https://evil.example.com/' }],
    ['expired', { expiresIn: Math.floor(Date.now() / 1000) - 60 }],
  ])('a token for %s', async (_name, options) => {
    const token = await tenant.sign({ email: uniqueEmail('auth0-bad'), email_verified: true }, options);
    expect((await auth0Login(t, token).expect(401)).body).toEqual(INVALID);
  });

  it('a token without an e-mail, and something that is not a JWT', async () => {
    expect((await auth0Login(t, await tenant.sign({ email_verified: true })).expect(401)).body).toEqual(INVALID);
    expect((await auth0Login(t, 'not.a.jwt').expect(401)).body).toEqual(INVALID);
  });

  it('no id_token at all is a 400 with Barong keys', async () => {
    const res = await request(t.app).post(AUTH0).type('form').send({}).expect(400);
    expect(res.body).toEqual({ errors: ['identity.session.missing_id_token', 'identity.session.empty_id_token'] });
  });
});

describe('existing accounts', () => {
  it('a pending account signs in (as with a password)', async () => {
    const user = await createUser(t, { state: 'pending', level: 0 });
    const res = await auth0Login(t, await tenant.sign({ email: user.email, email_verified: true })).expect(200);
    expect(res.body).toMatchObject({ uid: user.uid, state: 'pending' });
  });

  it.each([
    ['banned', 'identity.session.banned', 'Your account is banned'],
    ['deleted', 'identity.session.deleted', 'Your account is deleted'],
    ['locked', 'identity.session.not_active', 'Your account is not active'],
  ])('a %s account is refused: 401 %s, with a failed login activity', async (state, key, reason) => {
    const user = await createUser(t, { state });
    const res = await auth0Login(t, await tenant.sign({ email: user.email, email_verified: true })).expect(401);
    expect(res.body).toEqual({ errors: [key] });
    expect(sessionCookie(res)).toBeUndefined();
    expect(await activities(user.id)).toEqual([
      { topic: 'session', action: 'login', result: 'failed', data: JSON.stringify({ reason }) },
    ]);
  });

  it('an account with 2FA is refused: 401 identity.session.missing_otp', async () => {
    const user = await createUser(t, { otpSecret: generateSecret() });
    const res = await auth0Login(t, await tenant.sign({ email: user.email, email_verified: true })).expect(401);
    expect(res.body).toEqual({ errors: ['identity.session.missing_otp'] });
    expect(sessionCookie(res)).toBeUndefined();
  });
});

describe('existing accounts: only a verified, exactly matching e-mail signs in', () => {
  it('an id_token whose e-mail Auth0 has not verified never signs in to the existing account', async () => {
    const user = await createUser(t);
    for (const claims of [{ email_verified: false }, {}, { email_verified: 'true' }]) {
      const res = await auth0Login(t, await tenant.sign({ email: user.email, ...claims })).expect(401);
      expect(res.body).toEqual(INVALID);
      expect(sessionCookie(res)).toBeUndefined();
    }
    expect(await activities(user.id)).toEqual([]);
  });

  it('a look-alike of an existing e-mail is another address: it never reaches the existing account', async () => {
    const user = await createUser(t, { email: uniqueEmail('kate') });
    const lookAlikes = [
      user.email.replace('k', '\uff4b'), // FULLWIDTH k
      user.email.replace('a', '\uff41'), // FULLWIDTH a
      user.email.replace('a', '\u00e1'), // á
      user.email.replace('e', 'e\u0301'), // e + combining acute: é in NFD
    ];
    for (const email of lookAlikes) {
      const res = await auth0Login(t, await tenant.sign({ email, email_verified: true })).expect(200);
      expect(res.body.uid).not.toBe(user.uid);
      expect(res.body.email).toBe(email);
    }
    expect(await activities(user.id)).toEqual([]);
  });

  it('the same address in another ASCII case or Unicode form is the same account', async () => {
    const email = uniqueEmail('Ren\u00e9e');
    const user = await createUser(t, { email });
    const variants = [email.toUpperCase().replace('\u00c9', '\u00e9'), email.normalize('NFD'), ` ${email} `];
    for (const variant of variants) {
      const res = await auth0Login(t, await tenant.sign({ email: variant, email_verified: true })).expect(200);
      expect(res.body.uid).toBe(user.uid);
    }
  });
});

describe('tenant configuration', () => {
  let unconfigured: TestApp;
  let unreachable: TestApp;
  beforeAll(async () => {
    [unconfigured, unreachable] = await Promise.all([
      startTestApp(),
      startTestApp({ BARONG_AUTH0_CLIENT_ID: CLIENT_ID, BARONG_AUTH0_ISSUER_URL: `${await unreachableUrl()}/` }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([unconfigured?.close(), unreachable?.close()]);
  });

  it('Auth0 not configured: 422 identity.session.auth0.invalid_params', async () => {
    const token = await tenant.sign({ email: uniqueEmail('auth0-off'), email_verified: true });
    expect((await auth0Login(unconfigured, token).expect(422)).body).toEqual(INVALID);
  });

  it('a tenant whose JWKS cannot be fetched: 422 identity.session.auth0.invalid_params', async () => {
    const token = await tenant.sign(
      { email: uniqueEmail('auth0-down'), email_verified: true },
      { issuer: unreachable.config.auth0.issuerUrl },
    );
    expect((await auth0Login(unreachable, token).expect(422)).body).toEqual(INVALID);
  });
});
