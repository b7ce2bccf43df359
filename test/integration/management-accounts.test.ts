/** Management API: service accounts (get, list, create, new owner, disable) and API keys of users and accounts. */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { activeUser, createApiKey, createUser, type TestApiKey } from '../support/factories.js';
import { BROWSER } from '../support/account-client.js';
import { callManagement, managementKeys } from '../support/management-client.js';
import { hmacHex } from '../../src/domain/api-keys/api-key-secrets.js';

const keys = managementKeys();
const ROLE = 'sa_maker';
let t: TestApp;

const call = (p: string, data: unknown, signers?: string[]) => callManagement(t.app, keys, p, data, signers);
const refusal = async (p: string, data: unknown) => {
  const res = await call(p, data);
  return [res.status, res.body.error];
};

beforeAll(async () => {
  t = await startTestApp({
    BARONG_MANAGEMENT_API_CONFIG: keys.file,
    BARONG_MGN_API_KEYS_USER: 'true',
    BARONG_MGN_API_KEYS_SA: 'true',
  });
});
afterAll(() => t?.close());

describe('management service accounts', () => {
  it("creates an owner's account: the owner's level and state over the given ones, the e-mail from the owner's", async () => {
    const owner = await activeUser(t, { email: 'sa.owner@example.com' });
    const res = await call('/service_accounts/create', {
      service_account_role: ROLE,
      owner_uid: owner.uid,
      service_account_state: 'active',
      service_account_level: 7,
    });
    expect(res.status).toBe(201);
    const uid: string = res.body.uid;
    expect(uid).toMatch(/^SI[0-9A-F]{10}$/);
    expect(res.body).toMatchObject({
      email: `sa.owner+${uid}@example.com`,
      role: ROLE,
      level: owner.level,
      state: owner.state,
    });
    expect(res.body.user).toMatchObject({ uid: owner.uid, email: owner.email, referral_uid: null });
  });

  it('creates an account without owner from its own e-mail, uid, state and level', async () => {
    const data = {
      service_account_role: ROLE,
      service_account_uid: 'SIAAAA000001',
      service_account_email: 'bot.one@example.com',
      service_account_state: 'active',
      service_account_level: 3,
    };
    const res = await call('/service_accounts/create', data);
    expect([res.status, res.body]).toEqual([
      201,
      {
        email: 'bot.one@example.com',
        uid: 'SIAAAA000001',
        role: ROLE,
        level: 3,
        state: 'active',
        user: null,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      },
    ]);
    expect(
      (
        await call('/service_accounts/create', {
          service_account_role: ROLE,
          owner_uid: 'ID0000000000',
          service_account_email: 'bot.two@example.com',
        })
      ).body,
    ).toMatchObject({ state: 'pending', level: 0, user: null });
  });

  it("refuses with Barong's model messages, all at once", async () => {
    const user = await activeUser(t);
    await call('/service_accounts/create', {
      service_account_role: ROLE,
      service_account_uid: 'SIAAAA000002',
      service_account_email: 'bot.taken@example.com',
    });
    expect(await refusal('/service_accounts/create', { service_account_role: ROLE })).toEqual([
      422,
      "Email can't be blank",
    ]);
    expect(
      await refusal('/service_accounts/create', {
        service_account_role: 'nobody',
        service_account_email: 'not-an-email',
      }),
    ).toEqual([422, 'Role doesnt_exist, Email is invalid']);
    expect(
      await refusal('/service_accounts/create', {
        service_account_role: ROLE,
        service_account_uid: 'SIAAAA000002',
        service_account_email: 'BOT.taken@example.com',
      }),
    ).toEqual([422, 'Email has already been taken, Uid has already been taken']);
    expect(
      await refusal('/service_accounts/create', { service_account_role: ROLE, service_account_email: user.email }),
    ).toEqual([422, 'Email or uid not_uniq']);
    expect(
      await refusal('/service_accounts/create', {
        service_account_role: ROLE,
        service_account_uid: user.uid,
        service_account_email: 'bot.three@example.com',
      }),
    ).toEqual([422, 'Email or uid not_uniq']);
    expect(
      await refusal('/service_accounts/create', {
        service_account_role: ROLE,
        service_account_email: 'bot.four@example.com',
        service_account_level: 'high',
      }),
    ).toEqual([422, 'service_account_level is invalid']);
    expect(await refusal('/service_accounts/create', {})).toEqual([
      422,
      'service_account_role is missing, service_account_role is empty',
    ]);
  });

  it('gets one by exactly one of uid and e-mail', async () => {
    const owner = await activeUser(t);
    const created = (await call('/service_accounts/create', { service_account_role: ROLE, owner_uid: owner.uid })).body;
    expect((await call('/service_accounts/get', { uid: created.uid })).body).toEqual(created);
    const byEmail = await call('/service_accounts/get', { email: created.email.toUpperCase() }, ['applogic', 'peatio']);
    expect([byEmail.status, byEmail.body]).toEqual([200, created]);
    expect(await refusal('/service_accounts/get', { uid: 'SI0000000000' })).toEqual([404, 'Record is not found']);
    expect(await refusal('/service_accounts/get', { uid: created.uid, email: created.email })).toEqual([
      422,
      'uid, email are mutually exclusive',
    ]);
    expect(await refusal('/service_accounts/get', {})).toEqual([
      422,
      'uid, email are missing, exactly one parameter must be provided',
    ]);
    expect(await refusal('/service_accounts/get', { uid: '' })).toEqual([422, 'uid is empty']);
  });

  it("lists an owner's accounts by uid or e-mail, a page at a time; an unknown owner filters nothing", async () => {
    const owner = await activeUser(t);
    const uids: string[] = [];
    for (let i = 0; i < 3; i++)
      uids.push(
        (await call('/service_accounts/create', { service_account_role: ROLE, owner_uid: owner.uid })).body.uid,
      );
    const page = await call('/service_accounts/list', { owner_uid: owner.uid, page: 2, limit: 2 });
    expect(page.status).toBe(200);
    expect(page.body.map((a: { uid: string }) => a.uid)).toEqual([uids[2]]);
    expect(page.headers).toMatchObject({ total: '3', 'per-page': '2', page: '2' });
    expect((await call('/service_accounts/list', { owner_email: owner.email })).body).toHaveLength(3);
    const all = await call('/service_accounts/list', { owner_uid: 'ID0000000000' });
    expect(Number(all.headers.total)).toBe(
      await t.db
        .knex('service_accounts')
        .count({ n: '*' })
        .then(([r]) => Number(r!.n)),
    );
    expect(await refusal('/service_accounts/list', { page: 0 })).toEqual([422, 'page non_positive_page']);
    expect(await refusal('/service_accounts/list', { limit: 101 })).toEqual([422, 'limit invalid_limit']);
  });

  it('moves an account to a new owner, whose level and state it takes; an unknown owner changes nothing', async () => {
    const first = await activeUser(t);
    const second = await createUser(t, { state: 'pending', level: 0 });
    const created = (await call('/service_accounts/create', { service_account_role: ROLE, owner_uid: first.uid })).body;
    expect((await call('/service_accounts/update', { uid: created.uid, owner_uid: 'ID0000000000' })).body).toEqual(
      created,
    );
    const moved = await call('/service_accounts/update', { uid: created.uid, owner_uid: second.uid });
    expect(moved.status).toBe(201);
    expect(moved.body).toMatchObject({
      uid: created.uid,
      email: created.email,
      level: 0,
      state: 'pending',
      user: { uid: second.uid },
    });
    expect(await refusal('/service_accounts/update', { uid: 'SI0000000000', owner_uid: second.uid })).toEqual([
      422,
      'Service account doesnt exist',
    ]);
  });

  it('disables an account: the row stays, its keys go inactive, and the gateway stops taking them at once', async () => {
    const owner = await activeUser(t);
    const created = (await call('/service_accounts/create', { service_account_role: ROLE, owner_uid: owner.uid })).body;
    const account = (await t.services.uow.repos.serviceAccounts.findByUid(created.uid))!;
    const key = await createApiKey(t, { type: 'ServiceAccount', id: account.id });
    await gateway(key).expect(200); // the authorizer now holds the account and its key
    const res = await call('/service_accounts/delete', { uid: created.uid });
    expect([res.status, res.body.state]).toEqual([200, 'disabled']);
    expect((await t.db.knex('api_keys').where({ kid: key.kid }).first()).state).toBe('inactive');
    expect((await gateway(key)).status).toBe(401);
    expect(await refusal('/service_accounts/delete', { uid: 'SI0000000000' })).toEqual([404, 'Record is not found']);
  });

  it('refuses every operation without the mandatory signer', async () => {
    for (const p of [
      '/service_accounts/get',
      '/service_accounts/list',
      '/service_accounts/create',
      '/service_accounts/update',
      '/service_accounts/delete',
    ]) {
      const res = await call(p, { uid: 'SI0000000000', service_account_role: ROLE }, ['peatio']);
      expect([res.status, res.body]).toEqual([401, { error: 'Not enough signatures for the action.' }]);
    }
  });
});

let lastNonce = 0;
function gateway(key: TestApiKey) {
  const nonce = String((lastNonce = Math.max(Date.now(), lastNonce + 1)));
  return request(t.app)
    .get('/api/v2/barong/auth/api/v2/peatio/account/balances')
    .set('User-Agent', BROWSER)
    .set('X-Auth-Apikey', key.kid)
    .set('X-Auth-Nonce', nonce)
    .set('X-Auth-Signature', hmacHex(key.algorithm, key.secret, nonce + key.kid));
}

describe('management API keys', () => {
  const account = async (state = 'active') => {
    const uid = `SIB${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
    await call('/service_accounts/create', {
      service_account_role: ROLE,
      service_account_uid: uid,
      service_account_email: `${uid}@example.com`,
      service_account_state: state,
    });
    return uid;
  };

  it('creates a key for a user or a service account, without 2FA, and shows its secret once', async () => {
    const user = await activeUser(t);
    const res = await call('/api_keys', { uid: user.uid, algorithm: 'HS256', scopes: 'read,trade' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      algorithm: 'HS256',
      scope: ['read', 'trade'],
      state: 'active',
      secret: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    const sa = await call('/api_keys', { uid: await account(), algorithm: 'HS512' });
    expect([sa.status, sa.body.scope]).toEqual([201, []]);
    await gateway({ kid: sa.body.kid, secret: sa.body.secret, algorithm: 'HS512' }).expect(200);
  });

  it("refuses in Barong's order: the uid's prefix, the holder, the key's rules", async () => {
    const pending = await createUser(t, { state: 'pending', level: 0 });
    expect(await refusal('/api_keys', { uid: 'XX123', algorithm: 'HS256' })).toEqual([422, 'uid_prefix_doesnt_exist']);
    expect(await refusal('/api_keys', { uid: 'ID0000000000', algorithm: 'HS256' })).toEqual([422, 'user_doesnt_exist']);
    expect(await refusal('/api_keys', { uid: 'SI0000000000', algorithm: 'HS256' })).toEqual([
      422,
      'service_account_doesnt_exist',
    ]);
    expect(await refusal('/api_keys', { uid: pending.uid, algorithm: 'RS256' })).toEqual([
      422,
      'algorithm.inclusion, key_holder_account.invalid',
    ]);
    expect(await refusal('/api_keys', { uid: await account('pending'), algorithm: 'HS256' })).toEqual([
      422,
      'key_holder_account.invalid',
    ]);
    expect(await refusal('/api_keys', { uid: pending.uid, algorithm: 'HS256', scopes: '' })).toEqual([
      422,
      'scopes is empty',
    ]);
  });

  it('changes state and scopes of a key of that holder; no scopes keeps them', async () => {
    const user = await activeUser(t);
    const { kid } = (await call('/api_keys', { uid: user.uid, algorithm: 'HS256', scopes: 'read' })).body;
    const off = await call('/api_keys/update', { uid: user.uid, kid, state: 'inactive' });
    expect([off.status, off.body.state, off.body.scope, off.body.secret]).toEqual([
      201,
      'inactive',
      ['read'],
      undefined,
    ]);
    expect((await call('/api_keys/update', { uid: user.uid, kid, scopes: 'trade, withdraw' })).body.scope).toEqual([
      'trade',
      'withdraw',
    ]);
    const other = await activeUser(t);
    expect(await refusal('/api_keys/update', { uid: other.uid, kid })).toEqual([422, 'api_key_doesnt_exist']);
    expect(await refusal('/api_keys/update', { uid: user.uid, kid, state: 'paused' })).toEqual([
      422,
      'state.inclusion',
    ]);
    await t.services.uow.repos.users.update(user.id, { state: 'banned' });
    expect(await refusal('/api_keys/update', { uid: user.uid, kid, state: 'active' })).toEqual([422, 'state.invalid']);
  });

  it('refuses without the mandatory signer', async () => {
    const res = await call('/api_keys', { uid: 'ID0000000000', algorithm: 'HS256' }, ['peatio']);
    expect([res.status, res.body]).toEqual([401, { error: 'Not enough signatures for the action.' }]);
  });
});

describe('management API keys while the settings are off (the default)', () => {
  let off: TestApp;
  beforeAll(async () => {
    off = await startTestApp({ BARONG_MANAGEMENT_API_CONFIG: keys.file });
  });
  afterAll(() => off?.close());

  it('answers disabled_management_endpoint for users and service accounts, after the prefix', async () => {
    const user = await activeUser(off);
    for (const [p, data] of [
      ['/api_keys', { uid: user.uid, algorithm: 'HS256' }],
      ['/api_keys', { uid: 'SI0000000000', algorithm: 'HS256' }],
      ['/api_keys/update', { uid: user.uid, kid: '0123456789abcdef' }],
    ] as const) {
      const res = await callManagement(off.app, keys, p, data);
      expect([res.status, res.body]).toEqual([422, { error: 'disabled_management_endpoint' }]);
    }
    expect((await callManagement(off.app, keys, '/api_keys', { uid: 'XX1', algorithm: 'HS256' })).body).toEqual({
      error: 'uid_prefix_doesnt_exist',
    });
  });
});
