/**
 * Several instances, one truth (issue 12, item 10): two API processes (A and B, `src/main.ts` on two ports) and one
 * worker (`jobs/main.ts`), all real processes on one MariaDB database and one Redis prefix, the worker mailing to a
 * real SMTP server. Whatever one API process learns, the other acts on: sessions, failed logins, used nonces and
 * permissions live in Redis and MariaDB, never in one process's memory. The test's own app only builds the data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startTestApp, testEnvironment, type TestApp } from '../support/app.js';
import { activeUser, createApiKey, createUser, sessionCookie } from '../support/factories.js';
import { bearer, BROWSER } from '../support/account-client.js';
import { freePort, spawnTsx, waitForHealth, type RunningProcess } from '../support/processes.js';
import { startSmtpCatcher, type SmtpCatcher } from '../support/smtp.js';
import { until } from '../support/wait.js';
import { generateSecret } from 'otplib';
import { hmacHex } from '../../src/domain/api-keys/api-key-secrets.js';

const BASE = '/api/v2/barong';

let t: TestApp;
let smtp: SmtpCatcher;
const running: RunningProcess[] = [];
let a = '';
let b = '';

async function startApiProcess(env: Record<string, string>): Promise<string> {
  const port = await freePort();
  const api = spawnTsx('src/main.ts', { ...env, PORT: String(port), HOST: '127.0.0.1' });
  running.push(api);
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(`${url}/healthz`, api.child, 60);
  return url;
}

beforeAll(async () => {
  smtp = await startSmtpCatcher();
  t = await startTestApp();
  const env = { ...testEnvironment(t.db.name), BARONG_SMTP_HOST: '127.0.0.1', BARONG_SMTP_PORT: String(smtp.port) };
  const worker = spawnTsx('jobs/main.ts', { ...env, LOG_LEVEL: 'info' });
  running.push(worker);
  [a, b] = await Promise.all([startApiProcess(env), startApiProcess(env)]);
  await until(() => worker.output().includes('outbox relay started'), { timeoutMs: 60_000, what: 'the worker' });
}, 120_000);

afterAll(async () => {
  const codes = await Promise.all(running.map((p) => p.stop()));
  await t?.close();
  await smtp?.close();
  expect(codes, running.map((p) => p.output()).join('\n')).toEqual(running.map(() => 0));
}, 60_000);

const login = (on: string, user: { email: string }, password: string) =>
  request(on).post(`${BASE}/identity/sessions`).set('User-Agent', BROWSER).send({ email: user.email, password });
const me = (on: string, cookie: string) =>
  request(on).get(`${BASE}/resource/users/me`).set('Cookie', cookie).set('User-Agent', BROWSER);

describe('two API processes and a worker on one database and one Redis', () => {
  it('a session made on A works on B; logging out on B ends it on A', async () => {
    const user = await activeUser(t);
    const cookie = sessionCookie(await login(a, user, user.password).expect(201))!;
    expect((await me(b, cookie).expect(200)).body).toMatchObject({ uid: user.uid });

    await request(b).delete(`${BASE}/identity/sessions`).set('Cookie', cookie).set('User-Agent', BROWSER).expect(204);
    await me(a, cookie).expect(401);
    await me(b, cookie).expect(401);
  });

  it('failed logins on A and B count against one limit', async () => {
    const user = await activeUser(t);
    // BARONG_LOGIN_MAX_ATTEMPTS is 10: five failures on each process use it up for both.
    for (let i = 0; i < 10; i++) await login(i % 2 ? b : a, user, 'Wrong-Password-1').expect(401);
    for (const on of [a, b]) {
      expect((await login(on, user, user.password).expect(429)).body).toEqual({
        errors: ['identity.session.too_many_attempts'],
      });
    }
  });

  it('an API-key nonce used on A is refused on B', async () => {
    const user = await createUser(t, { otpSecret: generateSecret() }); // API keys need 2FA
    const { kid, secret } = await createApiKey(t, { type: 'User', id: user.id });
    const nonce = String(Date.now());
    const signed = (on: string) =>
      request(on)
        .get(`${BASE}/auth/api/v2/peatio/account/balances`)
        .set('X-Auth-Apikey', kid)
        .set('X-Auth-Nonce', nonce)
        .set('X-Auth-Signature', hmacHex('HS256', secret, nonce + kid));
    await signed(a).expect(200);
    await signed(b).expect(401, { errors: ['authz.nonce_reused'] });
  });

  it('a permission changed through A’s admin API is enforced by B within a second', async () => {
    const superadminToken = await bearer(t, await createUser(t, { role: 'superadmin' }));
    const complianceToken = await bearer(t, await createUser(t, { role: 'compliance' }));
    const levelsOnB = () => request(b).get(`${BASE}/admin/levels`).set('Authorization', `Bearer ${complianceToken}`);
    const permissionsOnA = (method: 'post' | 'delete', query = '') =>
      request(a)
        [method](`${BASE}/admin/permissions${query}`)
        .set('Authorization', `Bearer ${superadminToken}`)
        .set('User-Agent', BROWSER);
    await levelsOnB().expect(200);

    const drop = { role: 'compliance', verb: 'get', path: 'api/v2/barong/admin/levels', action: 'drop' };
    await permissionsOnA('post').type('form').send(drop).expect(200, {}); // Barong answers an empty object
    const created = await t.db.knex('permissions').where({ role: 'compliance', path: drop.path }).first();
    await until(async () => (await levelsOnB()).status === 401, {
      timeoutMs: 1000,
      intervalMs: 20,
      what: 'B to enforce the DROP made through A',
    });

    await permissionsOnA('delete', `?id=${String(created.id)}`).expect(200);
    await until(async () => (await levelsOnB()).status === 200, {
      timeoutMs: 1000,
      intervalMs: 20,
      what: 'B to lift the DROP removed through A',
    });
  });

  it('a mail enqueued by A is sent once, by the worker', async () => {
    const user = await createUser(t); // active already: no mail of its own
    await request(a)
      .post(`${BASE}/identity/users/password/generate_code`)
      .set('User-Agent', BROWSER)
      .send({ email: user.email })
      .expect(201);
    const toUser = (m: { to?: unknown }) => JSON.stringify(m.to ?? '').includes(user.email);
    await smtp.waitFor(toUser, 30_000);
    // Once nothing is left to relay and no mail job is in hand, no second copy can be on its way.
    await until(async () => (await t.db.knex('event_outbox').whereNull('sent_at').count({ n: '*' }))[0]!.n == 0, {
      timeoutMs: 30_000,
      what: 'the outbox to be relayed',
    });
    const activeMailJobs = () => t.services.redis.llen(`${t.config.redisPrefix}bull:mail:active`);
    await until(async () => (await activeMailJobs()) === 0, { what: 'the mail job to finish' });
    expect(smtp.inbox.filter(toUser).map((m) => m.subject)).toEqual(['Password Reset']);
  });
});
