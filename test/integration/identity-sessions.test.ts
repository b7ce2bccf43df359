import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { generateSecret } from 'otplib';
import bcrypt from 'bcryptjs';
import type { Express } from 'express';
import { startTestApp, type TestApp } from '../support/app.js';
import { composeApp, createServices, type Services } from '../../src/compose.js';
import { createLogger } from '../../src/lib/logger.js';
import { createUser, sessionCookie, totpCode, uniqueEmail } from '../support/factories.js';
import { monitorRedis } from '../support/redis-monitor.js';

const LOGIN = '/api/v2/barong/identity/sessions';
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ BARONG_LOGIN_MAX_ATTEMPTS: '10', BARONG_LOGIN_MAX_ATTEMPTS_PER_IP: '1000' });
});
afterAll(async () => {
  await t?.close();
});

const login = (body: Record<string, unknown>, cookie?: string, app: Express = t.app) => {
  const req = request(app).post(LOGIN).set('User-Agent', 'vitest-browser/1.0');
  if (cookie) req.set('Cookie', cookie);
  return req.send(body);
};

async function activities(userId: number, action?: string) {
  const q = t.db.knex('activities').where({ user_id: userId });
  if (action) q.andWhere({ action });
  return q.orderBy('id');
}

describe('POST /identity/sessions', () => {
  it('logs in: 201, the account with a CSRF token, a fresh HttpOnly SameSite=Lax cookie, a login activity', async () => {
    const user = await createUser(t);
    const res = await login({ email: user.email, password: user.password }).expect(201);
    expect(res.body).toMatchObject({ email: user.email, uid: user.uid, state: 'active', otp: false });
    expect(res.body.csrf_token).toMatch(/^[0-9a-f]{32}$/);
    const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).join(';');
    expect(setCookie).toMatch(/_barong_session=[0-9a-f]{64}/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).not.toMatch(/Secure/);
    const rows = await activities(user.id, 'login');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ topic: 'session', result: 'succeed', user_agent: 'vitest-browser/1.0' });
  });

  it('e-mail lookup ignores case', async () => {
    const user = await createUser(t, { email: uniqueEmail('MiXeD') });
    await login({ email: user.email.toUpperCase(), password: user.password }).expect(201);
  });

  it('gives a new session id at every login and ends the one the request carried (no fixation)', async () => {
    const user = await createUser(t);
    const first = sessionCookie(await login({ email: user.email, password: user.password }).expect(201))!;
    const second = sessionCookie(await login({ email: user.email, password: user.password }, first).expect(201))!;
    expect(second).not.toBe(first);
    await request(t.app)
      .delete(LOGIN)
      .set('Cookie', first)
      .expect(404, { errors: ['identity.session.not_found'] });
    await request(t.app).delete(LOGIN).set('Cookie', second).expect(204);
  });

  it('answers a wrong password and an unknown e-mail identically', async () => {
    const user = await createUser(t);
    const wrong = await login({ email: user.email, password: 'Wrong-Password-123' });
    const unknown = await login({ email: uniqueEmail('nobody'), password: 'Wrong-Password-123' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual({ errors: ['identity.session.invalid_params'] });
    expect(unknown.body).toEqual(wrong.body);
    await t.drainOutbox(); // the failed-login activity is written by the relay (deferred-requests.ts)
    const failed = await activities(user.id, 'login');
    expect(failed[0]).toMatchObject({
      result: 'failed',
      data: JSON.stringify({ reason: 'Invalid Email or Password' }),
    });
  });

  it.each([
    ['banned', 'identity.session.banned'],
    ['deleted', 'identity.session.deleted'],
    ['locked', 'identity.session.not_active'],
  ])('refuses a %s account with the right password: %s', async (state, key) => {
    const user = await createUser(t, { state });
    const res = await login({ email: user.email, password: user.password }).expect(401);
    expect(res.body).toEqual({ errors: [key] });
    expect(sessionCookie(res)).toBeUndefined();
    expect((await activities(user.id, 'login'))[0]).toMatchObject({ result: 'failed' });
  });

  it('verifies a bcrypt digest imported from Barong and rehashes it with argon2id at that login', async () => {
    const user = await createUser(t);
    await t.services.uow.repos.users.update(user.id, { passwordDigest: bcrypt.hashSync(user.password, 10) });
    await login({ email: user.email, password: 'Wrong-Password-123' }).expect(401);
    expect((await t.services.uow.repos.users.findById(user.id))!.passwordDigest).toMatch(/^\$2[aby]\$/);
    await login({ email: user.email, password: user.password }).expect(201);
    expect((await t.services.uow.repos.users.findById(user.id))!.passwordDigest).toMatch(/^\$argon2id\$/);
    await login({ email: user.email, password: user.password }).expect(201);
  });

  it('lets a pending user log in (Barong parity)', async () => {
    const user = await createUser(t, { state: 'pending', level: 0 });
    await login({ email: user.email, password: user.password }).expect(201);
  });

  it('missing parameters are 400 with Barong keys', async () => {
    const res = await request(t.app).post(LOGIN).type('form').send({}).expect(400);
    expect(res.body).toEqual({ errors: ['identity.session.missing_email', 'identity.session.missing_password'] });
  });

  describe('with 2FA', () => {
    it('needs the code: missing 401, wrong 403, right 201, the same code again 403', async () => {
      const secret = generateSecret();
      const user = await createUser(t, { otpSecret: secret });
      const creds = { email: user.email, password: user.password };
      expect((await login(creds).expect(401)).body).toEqual({ errors: ['identity.session.missing_otp'] });
      const wrong = (Number(await totpCode(secret)) + 1) % 1_000_000;
      expect((await login({ ...creds, otp_code: String(wrong).padStart(6, '0') }).expect(403)).body).toEqual({
        errors: ['identity.session.invalid_otp'],
      });
      const code = await totpCode(secret);
      const ok = await login({ ...creds, otp_code: code }).expect(201);
      expect(ok.body.otp).toBe(true);
      await login({ ...creds, otp_code: code }).expect(403);
      const rows = await activities(user.id, 'login::2fa');
      expect(rows.map((r) => r.result)).toEqual(['failed', 'succeed', 'failed']);
    });

    it('accepts one step of clock skew and refuses two', async () => {
      const secret = generateSecret();
      const user = await createUser(t, { otpSecret: secret });
      const creds = { email: user.email, password: user.password };
      await login({ ...creds, otp_code: await totpCode(secret, -2) }).expect(403);
      await login({ ...creds, otp_code: await totpCode(secret, 1) }).expect(201);
    });
  });
});

describe('brute force', () => {
  it('refuses the 11th attempt on an account with 429, even with the right password', async () => {
    const user = await createUser(t);
    for (let i = 0; i < 10; i++) await login({ email: user.email, password: 'Wrong-Password-1' }).expect(401);
    const res = await login({ email: user.email, password: user.password }).expect(429);
    expect(res.body).toEqual({ errors: ['identity.session.too_many_attempts'] });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('answers a locked unknown e-mail the same way as a locked known one', async () => {
    const email = uniqueEmail('ghost');
    for (let i = 0; i < 10; i++) await login({ email, password: 'Wrong-Password-1' }).expect(401);
    expect((await login({ email, password: 'Wrong-Password-1' }).expect(429)).body).toEqual({
      errors: ['identity.session.too_many_attempts'],
    });
  });

  it('never checks more than the limit when 20 wrong attempts arrive at once', async () => {
    const user = await createUser(t);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => login({ email: user.email, password: 'Wrong-Password-1' })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    await t.drainOutbox();
    expect(await activities(user.id, 'login')).toHaveLength(10);
  });

  it('counts the account, not the spelling: full-width or accented variants of a locked e-mail stay locked', async () => {
    const user = await createUser(t, { email: uniqueEmail('admin') });
    for (let i = 0; i < 10; i++) await login({ email: user.email, password: 'Wrong-Password-1' }).expect(401);
    const fullWidth = user.email.replace('a', '\uff41'); // MariaDB's collation matches ａ to a
    const accented = user.email.replace('a', '\u00e1');
    for (const variant of [fullWidth, accented]) {
      expect((await login({ email: variant, password: user.password }).expect(429)).body).toEqual({
        errors: ['identity.session.too_many_attempts'],
      });
    }
  });

  it('the owner of a look-alike account cannot clear another account’s counter by logging in', async () => {
    const victim = await createUser(t, { email: uniqueEmail('kate') });
    const lookAlike = await createUser(t, { email: victim.email.replace('k', '\uff4b') });
    for (let i = 0; i < 9; i++) await login({ email: victim.email, password: 'Wrong-Password-1' }).expect(401);
    await login({ email: lookAlike.email, password: lookAlike.password }).expect(201);
    await login({ email: victim.email, password: 'Wrong-Password-1' }).expect(401);
    expect((await login({ email: victim.email, password: victim.password }).expect(429)).body).toEqual({
      errors: ['identity.session.too_many_attempts'],
    });
  });

  it('a successful login resets the account counter', async () => {
    const user = await createUser(t);
    for (let i = 0; i < 9; i++) await login({ email: user.email, password: 'Wrong-Password-1' }).expect(401);
    await login({ email: user.email, password: user.password }).expect(201);
    for (let i = 0; i < 9; i++) await login({ email: user.email, password: 'Wrong-Password-1' }).expect(401);
    await login({ email: user.email, password: user.password }).expect(201);
  });

  it('a login spends its per-account and per-IP attempts in one Redis script, and a success clears them in one', async () => {
    const user = await createUser(t);
    const counters = t.services.redisKeys.tagged('attempts', 'rl', 'login');
    const marker = `marker-${user.uid}`;
    const seen: string[] = [];
    if (t.config.redis.kind !== 'single') throw new Error('this test reads the single Redis the test app uses');
    const monitor = await monitorRedis(['-u', t.config.redis.url], ({ args, source }) => {
      // The scripts' own commands come from `lua`; only what the API sent counts as a round trip.
      if (source !== 'lua' && args.some((a) => a.startsWith(counters))) seen.push(args[0]!.toLowerCase());
    });
    try {
      await login({ email: user.email, password: user.password }).expect(201);
      await t.services.redis.echo(marker);
      await monitor.seen(marker);
    } finally {
      monitor.stop();
    }
    expect(seen.map((command) => command.replace(/^evalsha$/, 'eval'))).toEqual(['eval', 'eval']);
  });
});

describe('brute force across API processes (security case 30)', () => {
  // A second instance of the API on the same database and Redis: its own connections and memory, as another process.
  let second: Services;
  let secondApp: Express;
  beforeAll(async () => {
    second = await createServices(t.config, createLogger('silent'));
    secondApp = composeApp(second).app;
  });
  afterAll(async () => {
    await second?.close();
  });
  const on = (app: Express, user: { email: string }, password: string) =>
    login({ email: user.email, password }, undefined, app);

  it('failed logins on either process count against one limit for the account', async () => {
    const user = await createUser(t);
    for (let i = 0; i < 10; i++) await on(i % 2 ? secondApp : t.app, user, 'Wrong-Password-1').expect(401);
    for (const app of [t.app, secondApp]) {
      expect((await on(app, user, user.password).expect(429)).body).toEqual({
        errors: ['identity.session.too_many_attempts'],
      });
    }
  });

  it('a successful login on one process resets the counter the other one reads', async () => {
    const user = await createUser(t);
    for (let i = 0; i < 9; i++) await on(t.app, user, 'Wrong-Password-1').expect(401);
    await on(secondApp, user, user.password).expect(201);
    for (let i = 0; i < 9; i++) await on(t.app, user, 'Wrong-Password-1').expect(401);
    await on(t.app, user, user.password).expect(201);
  });
});

describe('DELETE /identity/sessions', () => {
  it('logs out: 204, the cookie cleared, an activity; the old cookie is then worthless', async () => {
    const user = await createUser(t);
    const cookie = sessionCookie(await login({ email: user.email, password: user.password }).expect(201))!;
    const res = await request(t.app).delete(LOGIN).set('Cookie', cookie).expect(204);
    expect(([] as string[]).concat(res.headers['set-cookie'] ?? []).join(';')).toMatch(/_barong_session=;/);
    expect((await activities(user.id, 'logout'))[0]).toMatchObject({ topic: 'session', result: 'succeed' });
    await request(t.app)
      .delete(LOGIN)
      .set('Cookie', cookie)
      .expect(404, { errors: ['identity.session.not_found'] });
  });

  it('without a session is 404 identity.session.not_found', async () => {
    await request(t.app)
      .delete(LOGIN)
      .expect(404, { errors: ['identity.session.not_found'] });
  });
});
