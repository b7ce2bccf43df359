import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { generateSecret } from 'otplib';
import { startTestApp, type TestApp } from '../support/app.js';
import { activeUser, createUser, freshCode, sessionCookie } from '../support/factories.js';
import { userClaims } from '../../src/domain/tokens/session-jwt.js';
import { hmacHex, signatureMatches } from '../../src/domain/api-keys/api-key-secrets.js';
import type { User } from '../../src/db/repositories/users-repository.js';

const API = '/api/v2/barong/resource';
const UA = 'vitest-browser/1.0';
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

type Method = 'get' | 'post' | 'patch' | 'delete';

/** Calls the API as the user (Bearer token); checks the status, and the body when given. */
type Body = Record<string, unknown> | undefined;

async function call(user: User, method: Method, path: string, body: Body, status: number, expected?: unknown) {
  const token = await t.services.sessionJwt.sign(userClaims(user));
  let req = request(t.app)[method](`${API}${path}`).set('Authorization', `Bearer ${token}`).set('User-Agent', UA);
  if (body) req = req.send(body);
  return expected === undefined ? req.expect(status) : req.expect(status, expected);
}

async function createKey(user: User, secret: string, fields: Record<string, unknown> = {}) {
  const res = await call(
    user,
    'post',
    '/api_keys',
    { algorithm: 'HS256', totp_code: await freshCode(t, user, secret), ...fields },
    201,
  );
  return res.body as { kid: string; secret: string; algorithm: string; scope: string[]; state: string };
}

const keyRow = (kid: string) => t.db.knex('api_keys').where({ kid }).first();

describe('POST /resource/api_keys', () => {
  it('creates a key: 201 with kid (16 hex), secret (32 hex) shown once, scope as an array; the secret encrypted at rest', async () => {
    const secret = generateSecret();
    const user = await activeUser(t, { otpSecret: secret });
    const body = { algorithm: 'HS256', scope: 'read, trade', totp_code: await freshCode(t, user, secret) };
    const res = await call(user, 'post', '/api_keys', body, 201);
    expect(res.body).toEqual({
      kid: expect.stringMatching(/^[0-9a-f]{16}$/),
      algorithm: 'HS256',
      scope: ['read', 'trade'],
      state: 'active',
      secret: expect.stringMatching(/^[0-9a-f]{32}$/),
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      updated_at: expect.stringMatching(/Z$/),
    });
    const row = await keyRow(res.body.kid);
    expect(row).toMatchObject({ key_holder_account_type: 'User', key_holder_account_id: user.id, state: 'active' });
    expect(row.secret_encrypted).toMatch(/^v1:/);
    expect(row.secret_encrypted).not.toContain(res.body.secret);
    expect(t.services.encryptor.decrypt(row.secret_encrypted)).toBe(res.body.secret);
  });

  it('takes HS384 and HS512, and form-encoded bodies as Barong clients send them', async () => {
    const secret = generateSecret();
    const user = await activeUser(t, { otpSecret: secret });
    expect((await createKey(user, secret, { algorithm: 'HS384' })).algorithm).toBe('HS384');
    const token = await t.services.sessionJwt.sign(userClaims(user));
    const res = await request(t.app)
      .post(`${API}/api_keys`)
      .set('Authorization', `Bearer ${token}`)
      .type('form')
      .send({ algorithm: 'HS512', totp_code: await freshCode(t, user, secret) })
      .expect(201);
    expect(res.body).toMatchObject({ algorithm: 'HS512', scope: [] });
  });

  it('gives the gateway the secret by kid, and signatures over nonce + kid verify with it', async () => {
    const secret = generateSecret();
    const user = await activeUser(t, { otpSecret: secret });
    const key = await createKey(user, secret, { algorithm: 'HS512' });
    const found = await t.services.apiKeySecrets.find(key.kid);
    expect(found).toMatchObject({
      secret: key.secret,
      key: { kid: key.kid, algorithm: 'HS512', holderType: 'User', holderId: user.id },
    });
    const data = `1700000000000${key.kid}`;
    const signature = hmacHex('HS512', key.secret, data);
    expect(signatureMatches('HS512', key.secret, data, signature)).toBe(true);
    const flipped = (signature[0] === 'a' ? 'b' : 'a') + signature.slice(1);
    expect(signatureMatches('HS512', key.secret, data, flipped)).toBe(false);
    expect(await t.services.apiKeySecrets.find('0000000000000000')).toBeUndefined();
  });

  it('answers 400 resource.api_key.2fa_disabled without 2FA, before anything else (even without a code)', async () => {
    const user = await activeUser(t);
    await call(user, 'post', '/api_keys', { algorithm: 'HS256' }, 400, { errors: ['resource.api_key.2fa_disabled'] });
    await call(user, 'post', '/api_keys', { algorithm: 'XX', totp_code: '123456' }, 400, {
      errors: ['resource.api_key.2fa_disabled'],
    });
  });

  it('answers 422 resource.api_key.missing_totp / invalid_totp', async () => {
    const secret = generateSecret();
    const user = await activeUser(t, { otpSecret: secret });
    await call(user, 'post', '/api_keys', { algorithm: 'HS256' }, 422, { errors: ['resource.api_key.missing_totp'] });
    await call(user, 'post', '/api_keys', { algorithm: 'HS256', totp_code: ' ' }, 422, {
      errors: ['resource.api_key.missing_totp'],
    });
    await call(user, 'post', '/api_keys', { algorithm: 'HS256', totp_code: '000000' }, 422, {
      errors: ['resource.api_key.invalid_totp'],
    });
    const used = await freshCode(t, user, secret);
    await call(user, 'post', '/api_keys', { algorithm: 'HS256', totp_code: used }, 201);
    await call(user, 'post', '/api_keys', { algorithm: 'HS256', totp_code: used }, 422, {
      errors: ['resource.api_key.invalid_totp'],
    });
    expect(await t.db.knex('api_keys').where({ key_holder_account_id: user.id })).toHaveLength(1);
  });

  it('answers 422 algorithm.inclusion for another algorithm, 400 when it is missing', async () => {
    const secret = generateSecret();
    const user = await activeUser(t, { otpSecret: secret });
    const body = { algorithm: 'RS256', totp_code: await freshCode(t, user, secret) };
    await call(user, 'post', '/api_keys', body, 422, { errors: ['algorithm.inclusion'] });
    await call(user, 'post', '/api_keys', { totp_code: '123456' }, 400, {
      errors: ['resource.apikey.missing_algorithm', 'resource.apikey.empty_algorithm'],
    });
  });

  it('answers 422 key_holder_account.invalid to a pending holder', async () => {
    const secret = generateSecret();
    const user = await createUser(t, { state: 'pending', level: 0, otpSecret: secret });
    await call(user, 'post', '/api_keys', { algorithm: 'HS256', totp_code: await freshCode(t, user, secret) }, 422, {
      errors: ['key_holder_account.invalid'],
    });
  });

  it('limits wrong codes: 429 resource.api_key.too_many_attempts', async () => {
    const secret = generateSecret();
    const user = await activeUser(t, { otpSecret: secret });
    for (let i = 0; i < 5; i++) await call(user, 'post', '/api_keys', { algorithm: 'HS256', totp_code: '000000' }, 422);
    await call(user, 'post', '/api_keys', { algorithm: 'HS256', totp_code: await freshCode(t, user, secret) }, 429, {
      errors: ['resource.api_key.too_many_attempts'],
    });
  });

  it('needs credentials (401) and, with the session cookie, the CSRF token', async () => {
    await request(t.app)
      .post(`${API}/api_keys`)
      .send({ algorithm: 'HS256' })
      .expect(401, { errors: ['jwt.decode_and_verify'] });
    const user = await activeUser(t, { otpSecret: generateSecret() });
    const login = await request(t.app)
      .post('/api/v2/barong/identity/sessions')
      .set('User-Agent', UA)
      .send({
        email: user.email,
        password: user.password,
        otp_code: await freshCode(t, user, t.services.totp.secretOf(user)!),
      })
      .expect(201);
    await request(t.app)
      .post(`${API}/api_keys`)
      .set('Cookie', sessionCookie(login)!)
      .set('User-Agent', UA)
      .send({ algorithm: 'HS256', totp_code: '123456' })
      .expect(401, { errors: ['authz.missing_csrf_token'] });
  });
});

describe('GET /resource/api_keys', () => {
  it('lists the user’s keys without secrets, with paging headers; no 2FA needed to list', async () => {
    const secret = generateSecret();
    const user = await activeUser(t, { otpSecret: secret });
    const a = await createKey(user, secret, { scope: 'read' });
    const b = await createKey(user, secret);
    await t.services.uow.repos.users.update(user.id, { otp: false });
    const res = await call(user, 'get', '/api_keys', undefined, 200);
    expect(res.body.map((k: { kid: string }) => k.kid)).toEqual([a.kid, b.kid]);
    expect(res.body[0]).toEqual({
      kid: a.kid,
      algorithm: 'HS256',
      scope: ['read'],
      state: 'active',
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(res.headers).toMatchObject({ total: '2', 'per-page': '100', page: '1' });
  });

  it('orders, pages and refuses unknown orderings and columns', async () => {
    const secret = generateSecret();
    const user = await activeUser(t, { otpSecret: secret });
    const kids = [];
    for (let i = 0; i < 3; i++) kids.push((await createKey(user, secret)).kid);
    const desc = await call(user, 'get', '/api_keys?ordering=desc', undefined, 200);
    expect(desc.body.map((k: { kid: string }) => k.kid)).toEqual([...kids].reverse());
    const byKid = await call(user, 'get', '/api_keys?order_by=kid', undefined, 200);
    expect(byKid.body.map((k: { kid: string }) => k.kid)).toEqual([...kids].sort());
    const page2 = await call(user, 'get', '/api_keys?limit=2&page=2', undefined, 200);
    expect(page2.body.map((k: { kid: string }) => k.kid)).toEqual([kids[2]]);
    expect(page2.headers).toMatchObject({ total: '3', 'per-page': '2', page: '2' });
    await call(user, 'get', '/api_keys?ordering=up', undefined, 422, { errors: ['resource.api_key.invalid_ordering'] });
    await call(user, 'get', '/api_keys?order_by=secret_encrypted', undefined, 422, {
      errors: ['resource.api_key.invalid_attribute'],
    });
    await call(user, 'get', '/api_keys?page=0', undefined, 422, { errors: ['non_positive_page'] });
    await call(user, 'get', '/api_keys?limit=101', undefined, 422, { errors: ['invalid_limit'] });
  });

  it('needs credentials', async () => {
    await request(t.app)
      .get(`${API}/api_keys`)
      .expect(401, { errors: ['jwt.decode_and_verify'] });
  });
});

describe('PATCH /resource/api_keys/{kid}', () => {
  it('changes scope and state; 200 without the secret', async () => {
    const secret = generateSecret();
    const user = await activeUser(t, { otpSecret: secret });
    const key = await createKey(user, secret, { scope: 'read' });
    const body = { scope: 'trade,withdraw', state: 'inactive', totp_code: await freshCode(t, user, secret) };
    const res = await call(user, 'patch', `/api_keys/${key.kid}`, body, 200);
    expect(res.body).toEqual({
      kid: key.kid,
      algorithm: 'HS256',
      scope: ['trade', 'withdraw'],
      state: 'inactive',
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    await call(
      user,
      'patch',
      `/api_keys/${key.kid}`,
      { state: 'active', totp_code: await freshCode(t, user, secret) },
      200,
    );
    expect(await keyRow(key.kid)).toMatchObject({ state: 'active', scope: '["trade","withdraw"]' });
  });

  it('answers 422 state.inclusion for an unknown state, state.invalid when activating a key of a non-active holder', async () => {
    const secret = generateSecret();
    const user = await activeUser(t, { otpSecret: secret });
    const key = await createKey(user, secret);
    const paused = { state: 'paused', totp_code: await freshCode(t, user, secret) };
    await call(user, 'patch', `/api_keys/${key.kid}`, paused, 422, { errors: ['state.inclusion'] });
    await t.services.uow.repos.users.update(user.id, { state: 'pending' });
    const pending = (await t.services.uow.repos.users.findById(user.id))!;
    const active = { state: 'active', totp_code: await freshCode(t, user, secret) };
    await call(pending, 'patch', `/api_keys/${key.kid}`, active, 422, { errors: ['state.invalid'] });
    await call(
      pending,
      'patch',
      `/api_keys/${key.kid}`,
      { state: 'inactive', totp_code: await freshCode(t, user, secret) },
      200,
    );
  });

  it('needs 2FA and a code; 404 record.not_found for an unknown kid', async () => {
    const secret = generateSecret();
    const user = await activeUser(t, { otpSecret: secret });
    const key = await createKey(user, secret);
    await call(user, 'patch', `/api_keys/${key.kid}`, { state: 'inactive' }, 422, {
      errors: ['resource.api_key.missing_totp'],
    });
    await call(user, 'patch', `/api_keys/${key.kid}`, { state: 'inactive', totp_code: '000000' }, 422, {
      errors: ['resource.api_key.invalid_totp'],
    });
    await call(
      user,
      'patch',
      '/api_keys/ffffffffffffffff',
      { state: 'inactive', totp_code: await freshCode(t, user, secret) },
      404,
      {
        errors: ['record.not_found'],
      },
    );
    await t.services.uow.repos.users.update(user.id, { otp: false });
    const off = (await t.services.uow.repos.users.findById(user.id))!;
    await call(off, 'patch', `/api_keys/${key.kid}`, { state: 'inactive' }, 400, {
      errors: ['resource.api_key.2fa_disabled'],
    });
  });
});

describe('DELETE /resource/api_keys/{kid}', () => {
  it('deletes the key: 204', async () => {
    const secret = generateSecret();
    const user = await activeUser(t, { otpSecret: secret });
    const key = await createKey(user, secret);
    await call(user, 'delete', `/api_keys/${key.kid}?totp_code=${await freshCode(t, user, secret)}`, undefined, 204);
    expect(await keyRow(key.kid)).toBeUndefined();
  });

  it('needs 2FA and a code; 404 for an unknown kid', async () => {
    const secret = generateSecret();
    const user = await activeUser(t, { otpSecret: secret });
    const key = await createKey(user, secret);
    await call(user, 'delete', `/api_keys/${key.kid}`, undefined, 422, { errors: ['resource.api_key.missing_totp'] });
    await call(user, 'delete', `/api_keys/${key.kid}?totp_code=000000`, undefined, 422, {
      errors: ['resource.api_key.invalid_totp'],
    });
    await call(
      user,
      'delete',
      `/api_keys/ffffffffffffffff?totp_code=${await freshCode(t, user, secret)}`,
      undefined,
      404,
      {
        errors: ['record.not_found'],
      },
    );
    const plain = await activeUser(t);
    await call(plain, 'delete', `/api_keys/${key.kid}`, undefined, 400, { errors: ['resource.api_key.2fa_disabled'] });
    expect(await keyRow(key.kid)).toBeDefined();
  });
});

describe('one user and another', () => {
  it("never lists, changes or deletes another user's key", async () => {
    const secret = generateSecret();
    const owner = await activeUser(t, { otpSecret: secret });
    const other = await activeUser(t, { otpSecret: secret });
    const key = await createKey(owner, secret);
    const mine = await createKey(other, secret);
    const listed = await call(other, 'get', '/api_keys', undefined, 200);
    expect(listed.body.map((k: { kid: string }) => k.kid)).toEqual([mine.kid]);
    const notFound = { errors: ['record.not_found'] };
    await call(
      other,
      'patch',
      `/api_keys/${key.kid}`,
      { state: 'inactive', totp_code: await freshCode(t, other, secret) },
      404,
      notFound,
    );
    await call(
      other,
      'delete',
      `/api_keys/${key.kid}?totp_code=${await freshCode(t, other, secret)}`,
      undefined,
      404,
      notFound,
    );
    expect(await keyRow(key.kid)).toMatchObject({ state: 'active', key_holder_account_id: owner.id });
  });
});

describe('keys follow the holder’s state (PrivateLabels.recompute)', () => {
  it('a `ban` label deactivates every key of the user and their service accounts, and bans the service accounts', async () => {
    const secret = generateSecret();
    const user = await activeUser(t, { otpSecret: secret });
    const own = await createKey(user, secret);
    const account = await t.services.serviceAccountService.create(user);
    const body = { service_account_uid: account.uid, algorithm: 'HS256', totp_code: await freshCode(t, user, secret) };
    const saKey = await call(user, 'post', '/service_accounts/api_keys', body, 201);
    const bystander = await activeUser(t, { otpSecret: secret });
    const theirs = await createKey(bystander, secret);

    const banned = await t.services.uow.run((w) => t.services.privateLabels.set(w, user, 'ban', 'fraud'));
    expect(banned.state).toBe('banned');
    expect((await keyRow(own.kid)).state).toBe('inactive');
    expect((await keyRow(saKey.body.kid)).state).toBe('inactive');
    expect((await keyRow(theirs.kid)).state).toBe('active');
    expect((await t.services.uow.repos.serviceAccounts.findById(account.id))!.state).toBe('banned');
  });

  it('self-deletion (the `delete` label) deactivates the keys', async () => {
    const secret = generateSecret();
    const user = await activeUser(t, { otpSecret: secret });
    const own = await createKey(user, secret);
    const deleted = await t.services.uow.run((w) => t.services.privateLabels.set(w, user, 'delete', 'by_user'));
    expect(deleted.state).toBe('deleted');
    expect((await keyRow(own.kid)).state).toBe('inactive');
  });

  it('labels that keep the user active leave the keys alone', async () => {
    const secret = generateSecret();
    const user = await activeUser(t, { otpSecret: secret });
    const own = await createKey(user, secret);
    await t.services.uow.run((w) => t.services.privateLabels.set(w, user, 'phone', 'verified'));
    expect((await keyRow(own.kid)).state).toBe('active');
  });
});
