import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { generateSecret } from 'otplib';
import { startTestApp, type TestApp } from '../support/app.js';
import { activeUser, freshCode } from '../support/factories.js';
import { userClaims } from '../../src/domain/tokens/session-jwt.js';
import type { User } from '../../src/db/repositories/users-repository.js';
import type { ServiceAccount } from '../../src/db/repositories/service-accounts-repository.js';

const API = '/api/v2/barong/resource';
const SA = `${API}/service_accounts`;
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

type Method = 'get' | 'post' | 'put' | 'delete';

/** A user with 2FA on, and one active service account of theirs. */
async function ownerWithAccount(): Promise<{ owner: User; secret: string; account: ServiceAccount }> {
  const secret = generateSecret();
  const owner = await activeUser(t, { otpSecret: secret });
  return { owner, secret, account: await t.services.serviceAccountService.create(owner) };
}

type Body = Record<string, unknown> | undefined;

async function call(user: User, method: Method, path: string, body: Body, status: number, expected?: unknown) {
  const token = await t.services.sessionJwt.sign(userClaims(user));
  let req = request(t.app)[method](path).set('Authorization', `Bearer ${token}`);
  if (body) req = req.send(body);
  return expected === undefined ? req.expect(status) : req.expect(status, expected);
}

async function createKey(owner: User, secret: string, account: ServiceAccount) {
  const body = {
    service_account_uid: account.uid,
    algorithm: 'HS256',
    scope: 'read',
    totp_code: await freshCode(t, owner, secret),
  };
  return (await call(owner, 'post', `${SA}/api_keys`, body, 201)).body as { kid: string; secret: string };
}

const keyRow = (kid: string) => t.db.knex('api_keys').where({ kid }).first();

describe('service accounts (made by operators and tests)', () => {
  it('take an SI uid, a plus-address of the owner, the owner’s state and level', async () => {
    const owner = await activeUser(t);
    const account = await t.services.serviceAccountService.create(owner);
    expect(account.uid).toMatch(/^SI[0-9A-F]{10}$/);
    const [local, domain] = owner.email.split('@');
    expect(account).toMatchObject({
      email: `${local}+${account.uid}@${domain}`,
      ownerId: owner.id,
      role: 'service_account',
      state: 'active',
      level: 1,
    });
  });
});

describe('GET /resource/service_accounts', () => {
  it('lists the caller’s service accounts with the owner as a User entity; nobody else’s', async () => {
    const { owner, account } = await ownerWithAccount();
    const second = await t.services.serviceAccountService.create(owner, { role: 'sa_maker', state: 'disabled' });
    await ownerWithAccount();
    const res = await call(owner, 'get', SA, undefined, 200);
    expect(res.body).toEqual([
      {
        email: account.email,
        uid: account.uid,
        role: 'service_account',
        level: 1,
        state: 'active',
        user: {
          email: owner.email,
          uid: owner.uid,
          role: 'member',
          level: 1,
          otp: true,
          state: 'active',
          referral_uid: null,
          data: null,
          username: null,
        },
        created_at: expect.stringMatching(/Z$/),
        updated_at: expect.stringMatching(/Z$/),
      },
      expect.objectContaining({ uid: second.uid, role: 'sa_maker', state: 'disabled' }),
    ]);
  });

  it('is empty for a user without service accounts; needs credentials', async () => {
    await call(await activeUser(t), 'get', SA, undefined, 200, []);
    await request(t.app)
      .get(SA)
      .expect(401, { errors: ['jwt.decode_and_verify'] });
  });
});

describe('GET /resource/service_accounts/api_keys', () => {
  it('lists the account’s keys without secrets, with paging headers', async () => {
    const { owner, secret, account } = await ownerWithAccount();
    const a = await createKey(owner, secret, account);
    const b = await createKey(owner, secret, account);
    const other = await ownerWithAccount();
    await createKey(other.owner, other.secret, other.account);
    const res = await call(
      owner,
      'get',
      `${SA}/api_keys?service_account_uid=${account.uid}&ordering=desc`,
      undefined,
      200,
    );
    expect(res.body.map((k: { kid: string }) => k.kid)).toEqual([b.kid, a.kid]);
    expect(res.body[0]).not.toHaveProperty('secret');
    expect(res.headers).toMatchObject({ total: '2', 'per-page': '100', page: '1' });
  });

  it('answers 404 resource.service_account.doesnt_exist for an unknown account or somebody else’s', async () => {
    const { owner } = await ownerWithAccount();
    const other = await ownerWithAccount();
    await createKey(other.owner, other.secret, other.account);
    const missing = { errors: ['resource.service_account.doesnt_exist'] };
    await call(owner, 'get', `${SA}/api_keys?service_account_uid=SI0000000000`, undefined, 404, missing);
    await call(owner, 'get', `${SA}/api_keys?service_account_uid=${other.account.uid}`, undefined, 404, missing);
  });

  it('validates the query: 400 without the account uid, 422 for an unknown ordering or column', async () => {
    const { owner, account } = await ownerWithAccount();
    await call(owner, 'get', `${SA}/api_keys`, undefined, 400, {
      errors: ['resource.serviceaccount.missing_service_account_uid'],
    });
    const base = `${SA}/api_keys?service_account_uid=${account.uid}`;
    await call(owner, 'get', `${base}&ordering=sideways`, undefined, 422, {
      errors: ['resource.service_accounts.invalid_ordering'],
    });
    await call(owner, 'get', `${base}&order_by=secret`, undefined, 422, {
      errors: ['resource.service_accounts.invalid_attribute'],
    });
  });
});

describe('POST /resource/service_accounts/api_keys', () => {
  it('creates a key for the account: 201 with the secret once, held by the account', async () => {
    const { owner, secret, account } = await ownerWithAccount();
    const key = await createKey(owner, secret, account);
    expect(key).toMatchObject({
      kid: expect.stringMatching(/^[0-9a-f]{16}$/),
      secret: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(await keyRow(key.kid)).toMatchObject({
      key_holder_account_type: 'ServiceAccount',
      key_holder_account_id: account.id,
    });
    const userKeys = await call(owner, 'get', `${API}/api_keys`, undefined, 200);
    expect(userKeys.body).toEqual([]);
  });

  it("checks the account first (404), then the owner's 2FA (400), then the code (422)", async () => {
    const { owner, secret, account } = await ownerWithAccount();
    const other = await ownerWithAccount();
    const create = (uid: string, extra: Record<string, unknown>) => ({
      service_account_uid: uid,
      algorithm: 'HS256',
      ...extra,
    });
    await call(
      owner,
      'post',
      `${SA}/api_keys`,
      create(other.account.uid, { totp_code: await freshCode(t, owner, secret) }),
      404,
      {
        errors: ['resource.service_account.doesnt_exist'],
      },
    );
    await call(owner, 'post', `${SA}/api_keys`, create(account.uid, {}), 422, {
      errors: ['resource.service_accounts.missing_totp'],
    });
    await call(owner, 'post', `${SA}/api_keys`, create(account.uid, { totp_code: '000000' }), 422, {
      errors: ['resource.service_accounts.invalid_totp'],
    });
    const plain = await activeUser(t);
    const plainAccount = await t.services.serviceAccountService.create(plain);
    await call(plain, 'post', `${SA}/api_keys`, create(plainAccount.uid, {}), 400, {
      errors: ['resource.service_accounts.2fa_disabled'],
    });
    expect(
      await t.db.knex('api_keys').whereIn('key_holder_account_id', [account.id, other.account.id, plainAccount.id]),
    ).toEqual([]);
  });

  it('answers 422 key_holder_account.invalid for an account that is not active', async () => {
    const { owner, secret } = await ownerWithAccount();
    const disabled = await t.services.serviceAccountService.create(owner, { state: 'disabled' });
    const body = {
      service_account_uid: disabled.uid,
      algorithm: 'HS256',
      totp_code: await freshCode(t, owner, secret),
    };
    await call(owner, 'post', `${SA}/api_keys`, body, 422, { errors: ['key_holder_account.invalid'] });
  });
});

describe('PUT /resource/service_accounts/api_keys/{kid}', () => {
  it('changes scope and state: 200 without the secret', async () => {
    const { owner, secret, account } = await ownerWithAccount();
    const key = await createKey(owner, secret, account);
    const body = {
      service_account_uid: account.uid,
      scope: 'trade',
      state: 'inactive',
      totp_code: await freshCode(t, owner, secret),
    };
    const res = await call(owner, 'put', `${SA}/api_keys/${key.kid}`, body, 200);
    expect(res.body).toMatchObject({ kid: key.kid, scope: ['trade'], state: 'inactive' });
    expect(res.body).not.toHaveProperty('secret');
  });

  it('answers 422 state.invalid when activating a key of a disabled account', async () => {
    const { owner, secret, account } = await ownerWithAccount();
    const key = await createKey(owner, secret, account);
    await t.db.knex('service_accounts').where({ id: account.id }).update({ state: 'disabled' });
    await t.db.knex('api_keys').where({ kid: key.kid }).update({ state: 'inactive' });
    const body = { service_account_uid: account.uid, state: 'active', totp_code: await freshCode(t, owner, secret) };
    await call(owner, 'put', `${SA}/api_keys/${key.kid}`, body, 422, { errors: ['state.invalid'] });
  });

  it("answers 404 for a kid that is not the account's (the owner's own key included) and for others' accounts", async () => {
    const { owner, secret, account } = await ownerWithAccount();
    const ownKey = (
      await call(
        owner,
        'post',
        `${API}/api_keys`,
        { algorithm: 'HS256', totp_code: await freshCode(t, owner, secret) },
        201,
      )
    ).body;
    const body = async (uid: string) => ({
      service_account_uid: uid,
      state: 'inactive',
      totp_code: await freshCode(t, owner, secret),
    });
    await call(owner, 'put', `${SA}/api_keys/${ownKey.kid}`, await body(account.uid), 404, {
      errors: ['record.not_found'],
    });
    const other = await ownerWithAccount();
    const theirs = await createKey(other.owner, other.secret, other.account);
    await call(owner, 'put', `${SA}/api_keys/${theirs.kid}`, await body(other.account.uid), 404, {
      errors: ['resource.service_account.doesnt_exist'],
    });
    await call(owner, 'put', `${SA}/api_keys/${theirs.kid}`, await body(account.uid), 404, {
      errors: ['record.not_found'],
    });
    expect(await keyRow(theirs.kid)).toMatchObject({ state: 'active' });
  });

  it('needs the code', async () => {
    const { owner, secret, account } = await ownerWithAccount();
    const key = await createKey(owner, secret, account);
    await call(
      owner,
      'put',
      `${SA}/api_keys/${key.kid}`,
      { service_account_uid: account.uid, state: 'inactive' },
      422,
      {
        errors: ['resource.service_accounts.missing_totp'],
      },
    );
  });
});

describe('DELETE /resource/service_accounts/api_keys/{kid}', () => {
  it('deletes the key: 204', async () => {
    const { owner, secret, account } = await ownerWithAccount();
    const key = await createKey(owner, secret, account);
    const query = `service_account_uid=${account.uid}&totp_code=${await freshCode(t, owner, secret)}`;
    await call(owner, 'delete', `${SA}/api_keys/${key.kid}?${query}`, undefined, 204);
    expect(await keyRow(key.kid)).toBeUndefined();
  });

  it("never deletes another owner's key; needs 2FA and the code", async () => {
    const { owner, secret, account } = await ownerWithAccount();
    const other = await ownerWithAccount();
    const theirs = await createKey(other.owner, other.secret, other.account);
    const path = (uid: string, query = '') => `${SA}/api_keys/${theirs.kid}?service_account_uid=${uid}${query}`;
    await call(
      owner,
      'delete',
      path(other.account.uid, `&totp_code=${await freshCode(t, owner, secret)}`),
      undefined,
      404,
      {
        errors: ['resource.service_account.doesnt_exist'],
      },
    );
    await call(owner, 'delete', path(account.uid, `&totp_code=${await freshCode(t, owner, secret)}`), undefined, 404, {
      errors: ['record.not_found'],
    });
    await call(owner, 'delete', path(account.uid), undefined, 422, {
      errors: ['resource.service_accounts.missing_totp'],
    });
    await call(owner, 'delete', path(account.uid, '&totp_code=000000'), undefined, 422, {
      errors: ['resource.service_accounts.invalid_totp'],
    });
    await t.services.uow.repos.users.update(owner.id, { otp: false });
    const off = (await t.services.uow.repos.users.findById(owner.id))!;
    await call(off, 'delete', path(account.uid), undefined, 400, {
      errors: ['resource.service_accounts.2fa_disabled'],
    });
    expect(await keyRow(theirs.kid)).toBeDefined();
  });
});
