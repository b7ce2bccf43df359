/**
 * Who may call the resource API (issue 4, "Who may call"): a Bearer JWT signed by this server, or the session
 * cookie with its CSRF token on state-changing methods. Anything else is 401. Exercised on /users/me.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { SignJWT, generateKeyPair } from 'jose';
import { startTestApp, type TestApp } from '../support/app.js';
import { createUser } from '../support/factories.js';
import { BROWSER, RESOURCE, bearer, login, withSession, withToken } from '../support/account-client.js';
import { userClaims } from '../../src/domain/tokens/session-jwt.js';
import type { User } from '../../src/db/repositories/users-repository.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ BARONG_LOGIN_MAX_ATTEMPTS: '1000', BARONG_LOGIN_MAX_ATTEMPTS_PER_IP: '1000' });
});
afterAll(async () => {
  await t?.close();
});

const DATA = { data: '{"language":"en"}' };
const now = () => Math.floor(Date.now() / 1000);
const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** Who signs a token; always under our kid, since a forger would copy it. */
interface Signer {
  alg: string;
  key: Parameters<SignJWT['sign']>[0];
  typ?: string;
}

/** A token with Barong's claims for `user`, changed by `edit`, signed with our key unless told otherwise. */
function token(user: User, edit: (jwt: SignJWT) => SignJWT = (j) => j, signer?: Signer) {
  const { alg, key, typ } = signer ?? { alg: t.services.jwtKeys.alg, key: t.services.jwtKeys.privateKey, typ: 'JWT' };
  const base = new SignJWT({ ...userClaims(user) })
    .setProtectedHeader({ alg, kid: t.services.jwtKeys.kid, ...(typ ? { typ } : {}) })
    .setSubject('session')
    .setIssuer('barong')
    .setAudience(['peatio', 'barong'])
    .setJti(randomBytes(10).toString('hex'))
    .setIssuedAt()
    .setExpirationTime('1h');
  return edit(base).sign(key);
}

const getMe = (tok: string) => withToken(t, 'get', '/users/me', tok);
const refused = { errors: ['jwt.decode_and_verify'] };

describe('Bearer JWT', () => {
  it('a token this server signed reads and writes without any CSRF token', async () => {
    const user = await createUser(t);
    const tok = await bearer(t, user);
    const res = await getMe(tok).expect(200);
    expect(res.body).toMatchObject({ email: user.email, uid: user.uid });
    expect(res.body).not.toHaveProperty('csrf_token');
    await withToken(t, 'put', '/users/me', tok).send(DATA).expect(200);
  });

  it('no credentials at all → 401 jwt.decode_and_verify, on every operation of this area', async () => {
    const ops: [string, string, Record<string, string>?][] = [
      ['get', '/users/me'],
      ['put', '/users/me', DATA],
      ['delete', '/users/me?password=x'],
      ['put', '/users/password', { old_password: 'a', new_password: 'b', confirm_password: 'b' }],
      ['get', '/users/activity/all'],
      ['get', '/labels'],
      ['get', '/labels/some-key'],
      ['post', '/labels', { key: 'some-key', value: 'some-value' }],
      ['patch', '/labels/some-key', { value: 'some-value' }],
      ['delete', '/labels/some-key'],
      ['post', '/data_storage', { title: 'personal', data: '{}' }],
    ];
    for (const [method, path, body] of ops) {
      const req = request(t.app)[method as 'get'](RESOURCE + path);
      const res = await (body ? req.send(body) : req);
      expect([method, path, res.status, res.body]).toEqual([method, path, 401, refused]);
    }
  });

  it('refuses a garbage token and a malformed header', async () => {
    await getMe('not.a.jwt').expect(401, refused);
    await request(t.app).get(`${RESOURCE}/users/me`).set('Authorization', 'Bearer').expect(401, refused);
    await request(t.app).get(`${RESOURCE}/users/me`).set('Authorization', 'Basic dXNlcjpwYXNz').expect(401, refused);
  });

  it('refuses a token signed by another key, even with our kid', async () => {
    const user = await createUser(t);
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await token(user, undefined, { alg: 'RS256', key: privateKey });
    await getMe(forged).expect(401, refused);
  });

  it('refuses alg none', async () => {
    const user = await createUser(t);
    const claims = {
      ...userClaims(user),
      sub: 'session',
      iss: 'barong',
      aud: ['peatio', 'barong'],
      jti: 'a'.repeat(20),
      iat: now(),
      exp: now() + 3600,
    };
    await getMe(`${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`).expect(401, refused);
  });

  it('refuses HS256 signed with our public key as the HMAC secret (algorithm confusion)', async () => {
    const user = await createUser(t);
    const pem = t.services.jwtKeys.publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const confused = await token(user, undefined, { alg: 'HS256', key: new TextEncoder().encode(pem) });
    await getMe(confused).expect(401, refused);
  });

  it('refuses a wrong audience, a wrong issuer, a wrong subject and an expired token', async () => {
    const user = await createUser(t);
    await getMe(await token(user, (j) => j.setAudience('someone-else'))).expect(401, refused);
    await getMe(await token(user, (j) => j.setIssuer('not-barong'))).expect(401, refused);
    await getMe(await token(user, (j) => j.setSubject('reset'))).expect(401, refused);
    await getMe(await token(user, (j) => j.setIssuedAt(now() - 7200).setExpirationTime(now() - 3600))).expect(
      401,
      refused,
    );
    // The same construction with nothing changed passes, so the refusals above are about the one change each.
    await getMe(await token(user)).expect(200);
  });

  it('refuses a valid token whose user is unknown', async () => {
    const user = await createUser(t);
    await getMe(await token({ ...user, uid: 'IDFFFFFFFFFF' })).expect(401, refused);
  });

  it.each(['banned', 'deleted', 'locked'])('refuses a %s user: 401 authz.user_not_active', async (state) => {
    const user = await createUser(t);
    const tok = await bearer(t, user); // issued while active
    await t.services.uow.repos.users.update(user.id, { state });
    await getMe(tok).expect(401, { errors: ['authz.user_not_active'] });
  });
});

describe('session cookie', () => {
  it('GET needs no CSRF token; PUT needs the session one', async () => {
    const user = await createUser(t);
    const s = await login(t, user);
    const me = await withSession(t, 'get', '/users/me', s, { csrf: false }).expect(200);
    expect(me.body.email).toBe(user.email);
    await withSession(t, 'put', '/users/me', s, { csrf: false })
      .send(DATA)
      .expect(401, { errors: ['authz.missing_csrf_token'] });
    await withSession(t, 'put', '/users/me', s, { csrf: false })
      .set('X-CSRF-Token', 'f'.repeat(32))
      .send(DATA)
      .expect(401, { errors: ['authz.csrf_token_mismatch'] });
    await withSession(t, 'put', '/users/me', s).send(DATA).expect(200);
  });

  it("another user's CSRF token does not fit my session", async () => {
    const [a, b] = [await createUser(t), await createUser(t)];
    const [sa, sb] = [await login(t, a), await login(t, b)];
    await withSession(t, 'put', '/users/me', sa, { csrf: false })
      .set('X-CSRF-Token', sb.csrf)
      .send(DATA)
      .expect(401, { errors: ['authz.csrf_token_mismatch'] });
  });

  it('an unknown or logged-out session id → 401 jwt.decode_and_verify', async () => {
    const user = await createUser(t);
    const s = await login(t, user);
    await withSession(t, 'get', '/users/me', { ...s, cookie: `_barong_session=${'0'.repeat(64)}` }).expect(
      401,
      refused,
    );
    await request(t.app)
      .delete('/api/v2/barong/identity/sessions')
      .set('Cookie', s.cookie)
      .set('User-Agent', BROWSER)
      .expect(204);
    await withSession(t, 'get', '/users/me', s).expect(401, refused);
  });

  it('a session used from another User-Agent → 401 authz.client_session_mismatch, and the session is gone', async () => {
    const user = await createUser(t);
    const s = await login(t, user);
    await request(t.app)
      .get(`${RESOURCE}/users/me`)
      .set('Cookie', s.cookie)
      .set('User-Agent', 'curl/8.0')
      .expect(401, { errors: ['authz.client_session_mismatch'] });
    expect(await t.services.sessions.get(s.id)).toBeUndefined();
    await withSession(t, 'get', '/users/me', s).expect(401, refused);
  });

  it('a session used from outside the /16 it was opened in → 401 authz.client_session_mismatch, and the session is gone', async () => {
    const user = await createUser(t);
    const s = await login(t, user, { ip: '203.0.113.7' });
    // Same /16: still the same client.
    await withSession(t, 'get', '/users/me', s).set('X-Forwarded-For', '203.0.200.9').expect(200);
    await withSession(t, 'get', '/users/me', s)
      .set('X-Forwarded-For', '198.51.100.7')
      .expect(401, { errors: ['authz.client_session_mismatch'] });
    expect(await t.services.sessions.get(s.id)).toBeUndefined();
    await withSession(t, 'get', '/users/me', s).set('X-Forwarded-For', '203.0.113.7').expect(401, refused);
  });

  it.each(['banned', 'deleted'])(
    'refuses the session of a user who became %s: 401 authz.user_not_active',
    async (state) => {
      const user = await createUser(t);
      const s = await login(t, user);
      await t.services.uow.repos.users.update(user.id, { state });
      await withSession(t, 'get', '/users/me', s).expect(401, { errors: ['authz.user_not_active'] });
      await withSession(t, 'put', '/users/me', s)
        .send(DATA)
        .expect(401, { errors: ['authz.user_not_active'] });
    },
  );

  it('each use slides the session expiry forward', async () => {
    const user = await createUser(t);
    const s = await login(t, user);
    // Age the session: expiry 5 s away, in Redis and in the session itself.
    const key = t.services.redisKeys.tagged('gateway', 'session', createHash('sha256').update(s.id).digest('hex'));
    const stored = JSON.parse((await t.services.redis.get(key))!);
    const aged = now() + 5;
    await t.services.redis.set(key, JSON.stringify({ ...stored, expireTime: aged }), 'EX', 5);

    await withSession(t, 'get', '/users/me', s).expect(200);

    const refreshed = await t.services.sessions.get(s.id);
    expect(refreshed!.expireTime).toBeGreaterThanOrEqual(aged + t.config.session.expireTime - 60);
    expect(await t.services.redis.ttl(key)).toBeGreaterThan(5);
  });

  it('sliding a session that ended meanwhile does not bring it back', async () => {
    const user = await createUser(t);
    const s = await login(t, user);
    const session = (await t.services.sessions.get(s.id))!;
    await t.services.sessions.destroyAllOf(user.uid);
    await t.services.sessions.touch(session); // what a request still in flight does
    expect(await t.services.sessions.get(s.id)).toBeUndefined();
  });

  it('a Bearer token wins over a cookie: a bad token is refused even with a valid session', async () => {
    const user = await createUser(t);
    const s = await login(t, user);
    await withSession(t, 'get', '/users/me', s).set('Authorization', 'Bearer garbage').expect(401, refused);
  });
});
