/**
 * Sessions have an absolute lifetime besides the sliding idle expiry (issue 8, item 11): BARONG_SESSION_MAX_LIFETIME
 * after the login a session is refused by every reader (resource API, identity logout, gateway authorizer), and no
 * use slides it past that. The per-user session index expires too, and nothing else of a user stays in Redis for
 * ever. Sessions are aged by logging in with the clock set back (Date only), never by sleeping.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import request from 'supertest';
import { scanKeys } from '../../src/lib/redis.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createUser } from '../support/factories.js';
import { BROWSER, login, withSession, type BrowserSession } from '../support/account-client.js';

const MAX_LIFETIME = 60;
const IDLE = 1800;
const AUTH = '/api/v2/barong/auth/api/v2/peatio/market/orders';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({
    BARONG_SESSION_MAX_LIFETIME: String(MAX_LIFETIME),
    BARONG_SESSION_EXPIRE_TIME: String(IDLE),
    BARONG_LOGIN_MAX_ATTEMPTS: '1000',
    BARONG_LOGIN_MAX_ATTEMPTS_PER_IP: '1000',
  });
});
afterEach(() => {
  vi.useRealTimers();
});
afterAll(async () => {
  await t?.close();
});

/** A user's browser session opened `ageSeconds` ago: the login runs with Date set back (timers stay real). */
async function sessionOpened(ageSeconds = 0) {
  const user = await createUser(t);
  if (ageSeconds) vi.useFakeTimers({ toFake: ['Date'], now: Date.now() - ageSeconds * 1000 });
  const s = await login(t, user);
  vi.useRealTimers();
  return { user, s };
}

const gateway = (s: BrowserSession) => request(t.app).get(AUTH).set('Cookie', s.cookie).set('User-Agent', BROWSER);
const logout = (s: BrowserSession) =>
  request(t.app).delete('/api/v2/barong/identity/sessions').set('Cookie', s.cookie).set('User-Agent', BROWSER);
const sessionTtl = (s: BrowserSession) => t.services.redis.ttl(t.services.sessions.storageKey(s.id)!);
const userIndexTtl = (uid: string) =>
  t.services.redis.ttl(t.services.redisKeys.tagged('gateway', 'user_sessions', uid));

describe('BARONG_SESSION_MAX_LIFETIME', () => {
  it('a new session lives at most the maximum in Redis, however long the idle expiry', async () => {
    const { s } = await sessionOpened();
    expect(await sessionTtl(s)).toBeGreaterThan(0);
    expect(await sessionTtl(s)).toBeLessThanOrEqual(MAX_LIFETIME);
  });

  it('no use slides a session past it: the resource API and the gateway cap the expiry at what is left', async () => {
    const { s } = await sessionOpened(MAX_LIFETIME - 10);
    await withSession(t, 'get', '/users/me', s).expect(200);
    expect(await sessionTtl(s)).toBeLessThanOrEqual(10);
    await gateway(s).expect(200);
    expect(await sessionTtl(s)).toBeLessThanOrEqual(10);
    expect(await sessionTtl(s)).toBeGreaterThan(0);
    expect((await t.services.sessions.get(s.id))!.expireTime).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 10);
  });

  it('an older session is refused by the resource API as an expired one is, and is gone', async () => {
    const { s } = await sessionOpened(MAX_LIFETIME + 1);
    await withSession(t, 'get', '/users/me', s).expect(401, { errors: ['jwt.decode_and_verify'] });
    expect(await t.services.redis.exists(t.services.sessions.storageKey(s.id)!)).toBe(0);
  });

  it('an older session is refused by the gateway authorizer as an expired one is, and is gone', async () => {
    const { s } = await sessionOpened(MAX_LIFETIME + 1);
    await gateway(s).expect(401, { errors: ['authz.invalid_session'] });
    expect(await t.services.redis.exists(t.services.sessions.storageKey(s.id)!)).toBe(0);
  });

  it('an older session cannot log out: 404 identity.session.not_found, as an expired one', async () => {
    const { s } = await sessionOpened(MAX_LIFETIME + 1);
    await logout(s).expect(404, { errors: ['identity.session.not_found'] });
  });

  it('a session just inside its lifetime still works on every path', async () => {
    const { s } = await sessionOpened(MAX_LIFETIME - 10);
    await withSession(t, 'get', '/users/me', s).expect(200);
    await gateway(s).expect(200);
    await logout(s).expect(204);
  });
});

describe('what a user leaves in Redis', () => {
  it('the per-user session index expires, never before the newest session, refreshed at each login', async () => {
    const { user, s } = await sessionOpened(MAX_LIFETIME - 10);
    expect(await userIndexTtl(user.uid)).toBeGreaterThanOrEqual(await sessionTtl(s));
    const newest = await login(t, user);
    expect(await sessionTtl(newest)).toBeGreaterThan(10);
    expect(await userIndexTtl(user.uid)).toBeGreaterThanOrEqual(await sessionTtl(newest));
  });

  it('nothing under the prefix lives for ever after logins, gateway checks, resource calls, failed logins and logouts', async () => {
    const user = await createUser(t);
    const s = await login(t, user);
    await gateway(s).expect(200);
    await withSession(t, 'get', '/users/me', s).expect(200);
    await request(t.app)
      .post('/api/v2/barong/identity/sessions')
      .send({ email: user.email, password: 'wrong-Password-1' })
      .expect(401);
    await logout(await login(t, user)).expect(204);
    const forever: string[] = [];
    for await (const batch of scanKeys(t.services.redis, `${t.config.redisPrefix}*`)) {
      for (const key of batch) {
        // Bull's queue bookkeeping is the queues' own (bounded job retention, create-queue.ts), not a user's.
        if (key.startsWith(`${t.config.redisPrefix}{bull}:`)) continue;
        if ((await t.services.redis.ttl(key)) === -1) forever.push(key.slice(t.config.redisPrefix.length));
      }
    }
    expect(forever).toEqual([]);
  });
});
