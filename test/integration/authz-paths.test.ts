/**
 * Issue 8, item 1: the upstream path has one canonical form, computed once from the raw request target, and every
 * decision of the authorizer takes that form: the block and pass lists, the role permissions (DROP rows), the
 * restrictions (blocklogin, the whitelink exemption), the admin activity's topic and the strict API-key signature.
 * Upstream routers and nginx treat `//` as `/`, decode `%2F` and resolve dot segments, so a spelling the authorizer
 * judged differently from the upstream walked around the block list. What cannot be made canonical is 400
 * `authz.invalid_path`. Requests are written byte for byte (test/support/raw-http.ts): supertest would resolve the
 * dot segments itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { generateSecret } from 'otplib';
import { startTestApp, type TestApp } from '../support/app.js';
import { createApiKey, createUser } from '../support/factories.js';
import { BROWSER, login, type BrowserSession } from '../support/account-client.js';
import { rawClient, type RawClient } from '../support/raw-http.js';
import { hmacHex } from '../../src/domain/api-keys/api-key-secrets.js';

const AUTH = '/api/v2/barong/auth/';
const invalidPath = { errors: ['authz.invalid_path'] };
const blocked = { errors: ['authz.permission_denied'] };
const dropped = { errors: ['authz.invalid_permission'] };

interface Key {
  kid: string;
  secret: string;
}

let lastNonce = 0;
const freshNonce = () => String((lastNonce = Math.max(Date.now(), lastNonce + 1)));

function appFixtures(get: () => { t: TestApp; http: RawClient }) {
  const serviceAccountKey = async (): Promise<Key> => {
    const { t } = get();
    const owner = await createUser(t, { otpSecret: generateSecret() });
    const account = await t.services.serviceAccountService.create(owner, { role: 'sa_maker' });
    return createApiKey(t, { type: 'ServiceAccount', id: account.id });
  };
  const asSession = (s: BrowserSession, method: string, target: string, extra: Record<string, string> = {}) =>
    get().http.send(method, target, { 'User-Agent': BROWSER, Cookie: s.cookie, 'X-CSRF-Token': s.csrf, ...extra });
  const asKey = (key: Key, method: string, target: string, signedData?: (nonce: string) => string) => {
    const nonce = freshNonce();
    const signature = hmacHex('HS256', key.secret, signedData ? signedData(nonce) : nonce + key.kid);
    return get().http.send(method, target, {
      'X-Auth-Apikey': key.kid,
      'X-Auth-Nonce': nonce,
      'X-Auth-Signature': signature,
    });
  };
  return { serviceAccountKey, asSession, asKey };
}

describe('one canonical upstream path', () => {
  let t: TestApp;
  let http: RawClient;
  /** An admin: ACCEPT on all of api/v2, so only the block list and the admin role's DROP rows stand in the way. */
  let s: BrowserSession;
  let saKey: Key;
  const { serviceAccountKey, asSession, asKey } = appFixtures(() => ({ t, http }));

  beforeAll(async () => {
    t = await startTestApp();
    http = await rawClient(t.app);
    s = await login(t, await createUser(t, { role: 'admin' }));
    saKey = await serviceAccountKey();
  });
  afterAll(async () => {
    await http?.close();
    await t?.close();
  });

  it.each([
    'api/v2/peatio//management/x',
    'api/v2//peatio/management/x',
    'api/v2/barong//management/users',
    '/api/v2/peatio/management/x',
    'api/v2/peatio/./management/x',
    'api/v2/peatio/public/../management/x',
    'api/v2/peatio/%2e%2E/peatio/management/x',
    'api/v2/peatio%2Fmanagement/x',
    'api/v2/peatio%2fmanagement/x',
    'api%2Fv2%2Fbarong%2Fmanagement',
  ])('the block list holds for %s → 401 authz.permission_denied', async (path) => {
    const res = await asSession(s, 'GET', AUTH + path);
    expect({ status: res.status, body: res.body }).toEqual({ status: 401, body: blocked });
  });

  it("Barong's own alias takes the same canonical form", async () => {
    const res = await asSession(s, 'GET', '/api/v2/auth/api/v2/peatio//management/x');
    expect({ status: res.status, body: res.body }).toEqual({ status: 401, body: blocked });
  });

  it.each([
    'api/v2/peatio/account//withdraws',
    'api/v2/peatio/account/./withdraws',
    'api/v2/peatio//account/withdraws/new',
    'api/v2/peatio/account%2Fwithdraws',
  ])("a role's DROP holds for %s → 401 authz.invalid_permission", async (path) => {
    await expect(asKey(saKey, 'GET', AUTH + 'api/v2/peatio/account/balances')).resolves.toMatchObject({ status: 200 });
    const res = await asKey(saKey, 'POST', AUTH + path);
    expect({ status: res.status, body: res.body }).toEqual({ status: 401, body: dropped });
  });

  it.each([
    ['climbs above the root', '../api/v2/peatio/account'],
    ['climbs above the root (encoded)', 'api/%2e%2e/%2E%2E/../x'],
    ['a backslash', 'api/v2/peatio\\management/x'],
    ['an encoded backslash', 'api/v2/peatio%5Cmanagement/x'],
    ['an encoded NUL', 'api/v2/peatio/management%00/x'],
    ['an encoded line feed', 'api/v2/peatio/account%0a/x'],
    ['an encoded DEL', 'api/v2/peatio/account%7F'],
    ['an encoded C1 control', 'api/v2/peatio/account%C2%85'],
    ['a broken escape', 'api/v2/peatio/%zzmanagement'],
    ['a truncated escape', 'api/v2/peatio/management%2'],
    ['an escape that is not UTF-8', 'api/v2/peatio/%ff'],
    ['a double-encoded slash', 'api/v2/peatio%252Fmanagement/x'],
  ])('%s → 400 authz.invalid_path, never a guess', async (_what, path) => {
    const res = await asSession(s, 'GET', AUTH + path);
    expect({ status: res.status, body: res.body }).toEqual({ status: 400, body: invalidPath });
  });

  it('a canonical path passes as before; a trailing slash stays', async () => {
    expect((await asSession(s, 'GET', AUTH + 'api/v2/peatio/account/balances')).status).toBe(200);
    expect((await asSession(s, 'GET', AUTH + 'api/v2/peatio/account/balances/')).status).toBe(200);
    expect((await asSession(s, 'GET', `${AUTH}api/v2/peatio/account/balances?path=../../management`)).status).toBe(200);
  });

  it('X-Forwarded-Uri (Traefik, from a trusted proxy) takes the same canonical form', async () => {
    const forward = (uri: string) =>
      asSession(s, 'GET', '/api/v2/barong/auth', { 'X-Forwarded-Method': 'GET', 'X-Forwarded-Uri': uri });
    expect(await forward('/api/v2/peatio//management/x?a=1')).toMatchObject({ status: 401, body: blocked });
    expect(await forward('/api/v2/peatio%2Fmanagement/x')).toMatchObject({ status: 401, body: blocked });
    expect(await forward('/../api/v2/peatio/account')).toMatchObject({ status: 400, body: invalidPath });
    expect(await forward('/api/v2/peatio/%zz')).toMatchObject({ status: 400, body: invalidPath });
    expect(await forward('/api/v2/peatio/account/balances')).toMatchObject({ status: 200 });
  });

  it('property: whatever spelling is generated, a path under a blocked or dropped prefix never gets 200', async () => {
    // The logical path is a known prefix and a tail; each separator is rendered in one of the ways upstreams read as
    // `/` (dot segments in pairs that cancel out), so the logical path is known without the code under test.
    const prefix = fc.constantFrom(
      'api/v2/peatio/management',
      'api/v2/barong/management',
      'api/v2/barong/admin/permissions',
      'api/v2/barong/admin/users/role',
      'api/v2/barong/admin/users',
      'api/v2/peatio/account/withdraws',
      'api/v2/peatio/public',
    );
    const segment = fc.constantFrom(
      'management',
      'role',
      'permissions',
      'withdraws',
      'public',
      'x',
      '.well-known',
      'a%20b',
    );
    const separator = fc.constantFrom(
      '/',
      '//',
      '///',
      '/./',
      '%2F',
      '%2f',
      '/%2e/',
      '/%2E/',
      '/z/../',
      '/q/%2E%2E/r/%2e./',
    );
    const spelled = fc
      .tuple(prefix, fc.array(segment, { maxLength: 3 }))
      .map(([head, tail]) => [...head.split('/'), ...tail])
      .chain((segments) =>
        fc.array(separator, { minLength: segments.length, maxLength: segments.length }).map((seps) => ({
          logical: segments.join('/').replace('%20', ' '),
          raw: segments.map((seg, i) => seps[i]! + seg).join(''),
        })),
      );
    const BLOCKED = ['api/v2/barong/management', 'api/v2/peatio/management'];
    const DROPPED = [
      'api/v2/barong/admin/permissions',
      'api/v2/barong/admin/users/role',
      'api/v2/barong/admin/activities/admin',
    ];
    await fc.assert(
      fc.asyncProperty(spelled, async ({ logical, raw }) => {
        const res = await asSession(s, 'GET', AUTH + raw);
        if (BLOCKED.some((p) => logical.startsWith(p))) expect(res).toMatchObject({ status: 401, body: blocked });
        else if (DROPPED.some((p) => logical.startsWith(p))) expect(res).toMatchObject({ status: 401, body: dropped });
        else expect(res.status).toBe(200);
      }),
      { numRuns: 300, seed: 8001 },
    );
  });
});

describe('the canonical path in restrictions, admin activities and strict signatures', () => {
  let t: TestApp;
  let http: RawClient;
  const { asSession, asKey } = appFixtures(() => ({ t, http }));

  beforeAll(async () => {
    t = await startTestApp({ BARONG_APIKEY_STRICT_SIGNATURE: 'true' });
    http = await rawClient(t.app);
  });
  afterAll(async () => {
    await http?.close();
    await t?.close();
  });

  it('blocklogin holds for another spelling of the login path; the whitelink exemption follows the canonical path', async () => {
    const gate = (path: string) =>
      http.send('POST', AUTH + path, { 'User-Agent': BROWSER, 'X-Forwarded-For': '198.51.100.7' });
    const row = await t.services.restrictionsAdmin.create({
      category: 'blocklogin',
      scope: 'ip',
      value: '198.51.100.7',
    });
    const spellings = [
      'api/v2/barong/identity//sessions',
      'api/v2/barong/identity/./sessions',
      'api/v2/barong/identity%2Fsessions',
      'api/v2/barong/identity/sessions/',
    ];
    for (const path of spellings) {
      expect(await gate(path), path).toMatchObject({ status: 401, body: { errors: ['authz.restrict.blocklogin'] } });
    }
    await t.services.restrictionsAdmin.delete(row.id);
    const maintenance = await t.services.restrictionsAdmin.create({
      category: 'maintenance',
      scope: 'all',
      value: 'all',
    });
    expect(await gate('api/v2/barong/identity/users//access')).toMatchObject({ status: 200 });
    expect(await gate('api/v2/barong/identity/users/access/more')).toMatchObject({ status: 471 });
    await t.services.restrictionsAdmin.delete(maintenance.id);
  });

  it('an admin activity takes its topic from the canonical path', async () => {
    const admin = await createUser(t, { role: 'superadmin' });
    const s = await login(t, admin);
    expect((await asSession(s, 'POST', AUTH + 'api/v2/peatio/admin//markets/new')).status).toBe(200);
    await t.services.adminActivities.flush();
    const rows = await t.db.knex('activities').where({ user_id: admin.id, category: 'admin' });
    expect(rows.map((r: { topic: string }) => r.topic)).toEqual(['markets']);
  });

  it("leaves allowed calls to this server's own admin API to the admin API, which records each write once", async () => {
    const admin = await createUser(t, { role: 'superadmin' });
    const s = await login(t, admin);
    for (const path of ['api/v2/barong/admin//users/labels', 'api/v2/admin/users/labels']) {
      expect((await asSession(s, 'POST', AUTH + path)).status, path).toBe(200);
    }
    await t.services.adminActivities.flush();
    expect(await t.db.knex('activities').where({ user_id: admin.id, category: 'admin' })).toEqual([]);
  });

  it('the strict signature covers the canonical path, whatever spelling was sent', async () => {
    const owner = await createUser(t, { otpSecret: generateSecret() });
    const key = await createApiKey(t, { type: 'User', id: owner.id });
    const { kid } = key;
    const canonical = (nonce: string) => `GET/api/v2/peatio/account/balances${nonce}${kid}`;
    expect((await asKey(key, 'GET', AUTH + 'api/v2/peatio//account/./balances', canonical)).status).toBe(200);
    const asSent = (nonce: string) => `GET/api/v2/peatio//account/./balances${nonce}${kid}`;
    expect(await asKey(key, 'GET', AUTH + 'api/v2/peatio//account/./balances', asSent)).toMatchObject({
      status: 401,
      body: { errors: ['authz.invalid_signature'] },
    });
  });
});
