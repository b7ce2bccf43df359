/**
 * The gateway authorization endpoint in session-cookie mode (issue 5, items 1, 6, 7; reference §5.1–5.3, §5.5, §5.6):
 * pass and block lists, CSRF, session binding and sliding expiry, the issued JWT (verified by an independent
 * verifier against the JWKS URL and accepted by the resource API), permissions with their admin activities, the
 * claims cache and JWT reuse, and Barong's `/api/v2/auth/*` alias.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { Server } from 'node:http';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { startTestApp, type TestApp } from '../support/app.js';
import { activeUser, createUser, type UserSpec } from '../support/factories.js';
import { BROWSER, login, type BrowserSession } from '../support/account-client.js';

const AUTH = '/api/v2/barong/auth/';
const ALIAS = '/api/v2/auth/';
const JWKS_PATH = '/api/v2/barong/identity/.well-known/jwks.json';
const JWT_TTL = 900;
const ORDERS = 'api/v2/peatio/market/orders';

let t: TestApp;
let server: Server;
let jwks: ReturnType<typeof createRemoteJWKSet>;

beforeAll(async () => {
  t = await startTestApp({
    BARONG_JWT_EXPIRE_TIME: String(JWT_TTL),
    BARONG_LOGIN_MAX_ATTEMPTS: '1000',
    BARONG_LOGIN_MAX_ATTEMPTS_PER_IP: '1000',
  });
  server = await new Promise<Server>((resolve) => {
    const s = t.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  jwks = createRemoteJWKSet(new URL(`http://127.0.0.1:${(server.address() as { port: number }).port}${JWKS_PATH}`));
});
afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await t?.close();
});

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'options';

/** A gateway's call for `path`, as the browser's session (cookie, User-Agent, CSRF token unless told otherwise). */
function authz(
  method: Method,
  path: string,
  s?: BrowserSession,
  opts: { csrf?: string | false; base?: string; ip?: string; ua?: string } = {},
) {
  const req = request(t.app)
    [method]((opts.base ?? AUTH) + path)
    .set('User-Agent', opts.ua ?? BROWSER);
  if (s) req.set('Cookie', s.cookie);
  const csrf = opts.csrf === undefined ? s?.csrf : opts.csrf;
  if (csrf) req.set('X-CSRF-Token', csrf);
  if (opts.ip) req.set('X-Forwarded-For', opts.ip);
  return req;
}

const denied = (key: string) => ({ errors: [key] });
const bearerOf = (res: { headers: Record<string, string> }) =>
  /^Bearer (\S+)$/.exec(res.headers.authorization ?? '')?.[1];

async function signedIn(spec: Omit<UserSpec, 'state' | 'level'> = {}, ip?: string) {
  const user = await activeUser(t, spec);
  return { user, s: await login(t, user, ip ? { ip } : {}) };
}

describe('success: the JWT a gateway forwards', () => {
  it("200, no body, Authorization: Bearer <JWT> with exactly Barong's claims, verified by jose against the JWKS URL", async () => {
    const { user, s } = await signedIn();
    const res = await authz('get', ORDERS, s).expect(200);
    expect(res.text).toBe('');
    const token = bearerOf(res)!;
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: 'barong',
      audience: 'peatio',
      subject: 'session',
    });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', kid: t.services.jwtKeys.kid });
    expect(Object.keys(payload).sort()).toEqual(
      [
        'aud',
        'email',
        'exp',
        'iat',
        'iss',
        'jti',
        'level',
        'referral_id',
        'role',
        'state',
        'sub',
        'uid',
        'username',
      ].sort(),
    );
    expect(payload).toMatchObject({
      sub: 'session',
      iss: 'barong',
      aud: ['peatio', 'barong'],
      uid: user.uid,
      email: user.email,
      username: null,
      role: 'member',
      level: 1,
      state: 'active',
      referral_id: null,
    });
    expect(payload.jti).toMatch(/^[0-9a-f]{20}$/);
    expect(payload.exp! - payload.iat!).toBe(JWT_TTL);
  });

  it('the issued JWT is accepted by the resource API (GET /resource/users/me)', async () => {
    const { user, s } = await signedIn();
    const token = bearerOf(await authz('get', 'api/v2/barong/resource/users/me', s).expect(200))!;
    const me = await request(t.app)
      .get('/api/v2/barong/resource/users/me')
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(me.body).toMatchObject({ uid: user.uid, email: user.email });
  });

  it('every method is authorized; HEAD and OPTIONS need no CSRF token', async () => {
    const { s } = await signedIn();
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      expect(bearerOf(await authz(method, ORDERS, s).expect(200))).toBeTruthy();
    }
    for (const method of ['head', 'options'] as const) {
      expect(bearerOf(await authz(method, ORDERS, s, { csrf: false }).expect(200))).toBeTruthy();
    }
  });

  it("Barong's own /api/v2/auth/* answers the same way", async () => {
    const { s } = await signedIn();
    expect(bearerOf(await authz('get', ORDERS, s, { base: ALIAS }).expect(200))).toBeTruthy();
    await authz('post', ORDERS, s, { base: ALIAS, csrf: false }).expect(401, denied('authz.missing_csrf_token'));
    await authz('get', 'api/v2/barong/management/users', s, { base: ALIAS }).expect(
      401,
      denied('authz.permission_denied'),
    );
    await authz('get', 'api/v2/barong/public/ping', undefined, { base: ALIAS }).expect(200);
  });

  it('the query string is not part of the path', async () => {
    const { s } = await signedIn();
    expect(bearerOf(await authz('get', `${ORDERS}?market=btcusd&state=wait`, s).expect(200))).toBeTruthy();
    await authz('get', 'api/v2/barong/management/x?api/v2/peatio/public', s).expect(
      401,
      denied('authz.permission_denied'),
    );
  });
});

describe("pass and block lists (Barong's defaults)", () => {
  it.each([
    'api/v2/barong/public/ping',
    'api/v2/barong/identity/sessions',
    'api/v2/peatio/public/markets',
    'api/v2/ranger/public/',
    'api/v2/applogic/public/x',
    'api/v2/arke/public/x',
    'api/v2/finex/public/x',
  ])('pass: %s → 200 without credentials and without Authorization', async (path) => {
    const res = await authz('post', path).expect(200);
    expect(res.headers.authorization).toBeUndefined();
  });

  it('block wins over everything after the restrictions: 401 authz.permission_denied, even for a valid session', async () => {
    const { s } = await signedIn();
    await authz('get', 'api/v2/barong/management/users/get', s).expect(401, denied('authz.permission_denied'));
    await authz('post', 'api/v2/peatio/management/deposits', s).expect(401, denied('authz.permission_denied'));
    await authz('get', 'api/v2/barong/managementx').expect(401, denied('authz.permission_denied')); // plain prefix
  });
});

describe('session cookie mode', () => {
  it('no cookie, an unknown or malformed session → 401 authz.invalid_session', async () => {
    await authz('get', ORDERS).expect(401, denied('authz.invalid_session'));
    await authz('get', ORDERS)
      .set('Cookie', `_barong_session=${'ab'.repeat(32)}`)
      .expect(401, denied('authz.invalid_session'));
    await authz('get', ORDERS)
      .set('Cookie', '_barong_session=not-a-session')
      .expect(401, denied('authz.invalid_session'));
  });

  it('a session that ended (logout) → 401 authz.invalid_session', async () => {
    const { s } = await signedIn();
    await authz('get', ORDERS, s).expect(200);
    await request(t.app)
      .delete('/api/v2/barong/identity/sessions')
      .set('Cookie', s.cookie)
      .set('User-Agent', BROWSER)
      .expect(204);
    await authz('get', ORDERS, s).expect(401, denied('authz.invalid_session'));
  });

  it.each(['post', 'put', 'patch', 'delete'] as const)(
    'CSRF on %s: missing → missing_csrf_token, wrong → csrf_token_mismatch',
    async (method) => {
      const { s } = await signedIn();
      await authz(method, ORDERS, s, { csrf: false }).expect(401, denied('authz.missing_csrf_token'));
      await authz(method, ORDERS, s, { csrf: `${s.csrf.slice(0, -1)}${s.csrf.endsWith('0') ? '1' : '0'}` }).expect(
        401,
        denied('authz.csrf_token_mismatch'),
      );
      await authz(method, ORDERS, s).expect(200);
    },
  );

  it("CSRF is checked before the session, in Barong's order", async () => {
    await authz('post', ORDERS).expect(401, denied('authz.missing_csrf_token'));
    await authz('post', ORDERS).set('X-CSRF-Token', 'abc').expect(401, denied('authz.csrf_token_mismatch'));
  });

  it('GET needs no CSRF token', async () => {
    const { s } = await signedIn();
    await authz('get', ORDERS, s, { csrf: false }).expect(200);
  });

  it('another User-Agent → 401 authz.client_session_mismatch, and the session is destroyed for everyone', async () => {
    const { s } = await signedIn();
    await authz('get', ORDERS, s, { ua: 'curl/8.0' }).expect(401, denied('authz.client_session_mismatch'));
    expect(await t.services.sessions.get(s.id)).toBeUndefined();
    await authz('get', ORDERS, s).expect(401, denied('authz.invalid_session'));
  });

  it('another /16 network → 401 authz.client_session_mismatch (same /16 is fine), session destroyed', async () => {
    const { s } = await signedIn({}, '203.0.113.7');
    await authz('get', ORDERS, s, { ip: '203.0.250.1' }).expect(200);
    await authz('get', ORDERS, s, { ip: '198.51.100.7' }).expect(401, denied('authz.client_session_mismatch'));
    expect(await t.services.sessions.get(s.id)).toBeUndefined();
    await authz('get', ORDERS, s, { ip: '203.0.113.7' }).expect(401, denied('authz.invalid_session'));
  });

  it('each call slides the session expiry forward', async () => {
    const { s } = await signedIn();
    const key = t.services.sessions.storageKey(s.id)!;
    await t.services.redis.expire(key, 5);
    await authz('get', ORDERS, s).expect(200);
    expect(await t.services.redis.ttl(key)).toBeGreaterThan(t.config.session.expireTime - 60);
    expect((await t.services.sessions.get(s.id))!.expireTime).toBeGreaterThan(
      Date.now() / 1000 + t.config.session.expireTime - 60,
    );
  });

  it.each(['ban', 'lock', 'delete'])(
    'a user whose private label `%s` took them out of active/pending → 401 authz.user_not_active',
    async (label) => {
      const { user, s } = await signedIn();
      await authz('get', ORDERS, s).expect(200); // now cached
      await t.services.uow.run((w) => t.services.privateLabels.set(w, user, label, 'yes'));
      await authz('get', ORDERS, s).expect(401, denied('authz.user_not_active'));
      // The session ended with the refusal: it does not come back if the user is reinstated.
      expect(await t.services.sessions.get(s.id)).toBeUndefined();
    },
  );

  it('a session idle past its expiry is gone: 401 and nothing left in Redis', async () => {
    const { s } = await signedIn();
    const key = t.services.sessions.storageKey(s.id)!;
    await t.services.redis.pexpire(key, 50);
    await new Promise((r) => setTimeout(r, 200));
    await authz('get', ORDERS, s).expect(401, denied('authz.invalid_session'));
    expect(await t.services.redis.exists(key)).toBe(0);
  });

  it('a pending user is authorized', async () => {
    const user = await createUser(t, { state: 'pending', level: 0 });
    const s = await login(t, user);
    const token = bearerOf(await authz('get', ORDERS, s).expect(200))!;
    expect(decodeJwt(token)).toMatchObject({ uid: user.uid, state: 'pending', level: 0 });
  });
});

describe('claims cache and JWT reuse', () => {
  it('reuses one JWT per session while the claims are unchanged; a level change (phone verified) signs a new one at once', async () => {
    const { user, s } = await signedIn();
    const first = bearerOf(await authz('get', ORDERS, s).expect(200))!;
    expect(bearerOf(await authz('get', ORDERS, s).expect(200))).toBe(first);
    expect(decodeJwt(first).level).toBe(1);

    await t.services.uow.run((w) => t.services.privateLabels.set(w, user, 'phone', 'verified'));
    const second = bearerOf(await authz('get', ORDERS, s).expect(200))!;
    expect(second).not.toBe(first);
    expect(decodeJwt(second)).toMatchObject({ uid: user.uid, level: 2, state: 'active' });
  });

  it("the claims come from Redis, not SQL: a change behind the app's back is not seen until the record is invalidated", async () => {
    const { user, s } = await signedIn();
    await authz('get', ORDERS, s).expect(200);
    await t.db.knex('users').where({ id: user.id }).update({ role: 'trader' }); // no event: nobody knows
    expect(decodeJwt(bearerOf(await authz('get', ORDERS, s).expect(200))!).role).toBe('member');
    await t.services.authorizerCache.invalidateOwner(user.uid);
    expect(decodeJwt(bearerOf(await authz('get', ORDERS, s).expect(200))!).role).toBe('trader');
  });

  it('two sessions of one user get tokens of their own', async () => {
    const user = await activeUser(t);
    const a = await login(t, user);
    const b = await login(t, user);
    const ta = bearerOf(await authz('get', ORDERS, a).expect(200));
    const tb = bearerOf(await authz('get', ORDERS, b).expect(200));
    expect(ta).not.toBe(tb);
  });
});

describe('permissions', () => {
  const adminActivities = (userId: number) =>
    t.db.knex('activities').where({ user_id: userId, category: 'admin' }).orderBy('id');

  it('ACCEPT: a member reaches its paths; no activity', async () => {
    const { user, s } = await signedIn();
    await authz('get', 'api/v2/peatio/account/balances', s).expect(200);
    await authz('post', 'api/v2/barong/resource/labels', s).expect(200);
    await t.services.adminActivities.flush();
    expect(await adminActivities(user.id)).toEqual([]);
  });

  it('no matching row → 401 authz.invalid_permission, recorded as a denied admin activity', async () => {
    const { user, s } = await signedIn({}, '203.0.113.9');
    await authz('get', 'api/v2/barong/admin/users?uid=ID0000000000', s, { ip: '203.0.113.9' }).expect(
      401,
      denied('authz.invalid_permission'),
    );
    await t.services.adminActivities.flush();
    const [row] = await adminActivities(user.id);
    expect(row).toMatchObject({
      topic: 'users',
      action: 'read',
      result: 'denied',
      user_ip: '203.0.113.9',
      user_agent: BROWSER,
    });
  });

  it('DROP wins over ACCEPT: an admin may not touch permissions', async () => {
    const { user, s } = await signedIn({ role: 'admin' });
    await authz('get', 'api/v2/barong/admin/users', s).expect(200);
    await authz('post', 'api/v2/barong/admin/permissions', s).expect(401, denied('authz.invalid_permission'));
    await t.services.adminActivities.flush();
    expect((await adminActivities(user.id)).map((a) => [a.action, a.result])).toContainEqual(['create', 'denied']);
  });

  it('AUDIT: allowed, and an admin activity is written with the request parameters (secrets masked)', async () => {
    const { user, s } = await signedIn({ role: 'superadmin' });
    await authz('post', 'api/v2/peatio/admin/markets/new?name=btcusd&otp_code=123456', s).expect(200);
    await t.services.adminActivities.flush();
    const rows = await adminActivities(user.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'create', result: 'succeed', user_agent: BROWSER });
    const data = typeof rows[0].data === 'string' ? JSON.parse(rows[0].data) : rows[0].data;
    expect(data).toEqual({ name: 'btcusd', otp_code: '[filtered]' });
  });

  it('dot segments are resolved before the decision: resource/../admin is an admin path', async () => {
    const { s } = await signedIn();
    await authz('get', 'api/v2/barong/resource/../admin/users', s).expect(401, denied('authz.invalid_permission'));
    await authz('get', 'api/v2/barong/resource/%2e%2e/admin/users', s).expect(401, denied('authz.invalid_permission'));
    await authz('get', 'api/v2/barong/resource/./users/me', s).expect(200);
  });

  it('a path that is not valid percent-encoding → 400', async () => {
    const { s } = await signedIn();
    await authz('get', 'api/v2/peatio/%E0%A4%A', s).expect(400);
  });
});
