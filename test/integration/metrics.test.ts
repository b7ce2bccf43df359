/**
 * /metrics (docs/operations.md#metrics): the series the API and the worker record, read back through the endpoint
 * after real requests, a real worker and a real SMTP server; who may read them (loopback, token, its own port).
 * The registry is the process's, shared by every app of this file (as `--with-api` shares it), so values are
 * compared as changes around each action.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import request from 'supertest';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config/index.js';
import { startApi } from '../../src/start-api.js';
import { processMetrics } from '../../src/lib/metrics.js';
import { startTestApp, testEnvironment, type TestApp } from '../support/app.js';
import { activeUser, createUser, STRONG_PASSWORD, uniqueEmail } from '../support/factories.js';
import { bearer, withToken } from '../support/account-client.js';
import { startMailHarness, type MailHarness } from '../support/mail.js';
import { freePort, waitForHealth } from '../support/processes.js';
import { until } from '../support/wait.js';

const SESSIONS = '/api/v2/barong/identity/sessions';
const GATEWAY = '/api/v2/barong/auth/api/v2/peatio/account/balances';
const TOKEN = 'scrape-me-0123456789abcdef';

/** One sample's value in the exposition text; 0 when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return 0;
}

let t: TestApp;
let mail: MailHarness;

async function scrape(): Promise<string> {
  return (await request(t.app).get('/metrics').expect(200)).text;
}

/** How much `name{labels}` changed while `action` ran. */
async function change(name: string, labels: Record<string, string>, action: () => Promise<unknown>): Promise<number> {
  const before = sample(await scrape(), name, labels);
  await action();
  return sample(await scrape(), name, labels) - before;
}

const logins = (result: string) => ['barong_login_results_total', { result }] as const;

beforeAll(async () => {
  t = await startTestApp({ BARONG_LOGIN_MAX_ATTEMPTS: '3' });
  mail = await startMailHarness(t);
  await activeUser(t); // the first sign-up would make a superadmin without a confirmation mail
});

afterAll(async () => {
  await mail?.stop();
  await t?.close();
});

describe('series', () => {
  it('a sign-up: its request by operationId, method and status, the confirmation mail, the queue and the outbox', async () => {
    const email = uniqueEmail('metrics');
    const created = { operation_id: 'createUser', method: 'POST', status: '201' };
    const requests = await change('barong_http_request_duration_seconds_count', created, async () => {
      await request(t.app).post('/api/v2/barong/identity/users').send({ email, password: STRONG_PASSWORD }).expect(201);
    });
    expect(requests).toBe(1);

    await mail.mailTo(email);
    // The sent mail's attempt, and the queue's history, as the worker sharing this registry recorded them.
    const text = await until(scrape, (s) => sample(s, 'barong_queue_jobs', { queue: 'mail', state: 'completed' }) >= 1);
    expect(sample(text, 'barong_mail_send_duration_seconds_count', { provider: 'smtp' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'barong_mail_send_failures_total', { provider: 'smtp' })).toBe(0);
    expect(text).toMatch(/^barong_queue_jobs\{queue="sms",state="waiting"\} 0$/m);
    expect(text).toMatch(/^barong_outbox_backlog \d+$/m);
    expect(text).toMatch(/^barong_outbox_oldest_age_seconds [\d.e-]+$/m);
    expect(text).toMatch(/^barong_db_pool_in_use\{pool="api"\} \d+$/m);
    expect(text).toMatch(/^barong_db_pool_waiting\{pool="relay"\} \d+$/m);
    expect(text).toContain('barong_process_cpu_seconds_total');
  });

  it("a phone code: the SMS provider's time by provider (mock in tests)", async () => {
    const user = await createUser(t, { level: 1, privateLabels: { email: 'verified' } });
    const token = await bearer(t, user);
    await withToken(t, 'post', '/phones', token).send({ phone_number: '+12025550188' }).expect(200);
    const text = await until(
      scrape,
      (s) => sample(s, 'barong_sms_send_duration_seconds_count', { provider: 'mock' }) >= 1,
    );
    expect(sample(text, 'barong_sms_send_failures_total', { provider: 'mock' })).toBe(0);
  });

  it('an unmatched path is operation "unknown", never the path itself', async () => {
    const path = '/api/v2/barong/identity/no-such-thing-4711';
    const unknown = { operation_id: 'unknown', method: 'GET', status: '404' };
    expect(
      await change('barong_http_request_duration_seconds_count', unknown, () => request(t.app).get(path).expect(404)),
    ).toBe(1);
    expect(await scrape()).not.toContain('no-such-thing-4711');
  });

  it('login results: success, wrong password, 2FA needed, locked', async () => {
    const user = await activeUser(t);
    const tryLogin = (password: string, status: number) =>
      request(t.app).post(SESSIONS).send({ email: user.email, password }).expect(status);

    expect(await change(...logins('success'), () => tryLogin(user.password, 201))).toBe(1);
    expect(await change(...logins('wrong_password'), () => tryLogin('Wrong-Passw0rd!', 401))).toBe(1);

    const twoFactor = await activeUser(t, { otpSecret: 'JBSWY3DPEHPK3PXP' });
    expect(
      await change(...logins('otp_required'), () =>
        request(t.app).post(SESSIONS).send({ email: twoFactor.email, password: twoFactor.password }).expect(401),
      ),
    ).toBe(1);

    // BARONG_LOGIN_MAX_ATTEMPTS=3: one attempt above spent a point; two more, then the account is locked.
    await tryLogin('Wrong-Passw0rd!', 401);
    await tryLogin('Wrong-Passw0rd!', 401);
    expect(await change(...logins('locked'), () => tryLogin(user.password, 429))).toBe(1);
  });

  it('gateway decisions by answer key; the authorizer adds no request series', async () => {
    const allowed = { answer: 'allowed' };
    const before = await scrape();
    const refused = await request(t.app).get(GATEWAY).expect(401);
    const key = (refused.body as { errors: string[] }).errors[0]!;
    await request(t.app).get('/api/v2/barong/auth/api/v2/barong/public/ping').expect(200);
    await request(t.app).get('/api/v2/barong/auth/api/v2/barong/public/ping').expect(200);
    const after = await scrape();
    expect(sample(after, 'barong_gateway_decisions_total', { answer: key })).toBe(
      sample(before, 'barong_gateway_decisions_total', { answer: key }) + 1,
    );
    expect(sample(after, 'barong_gateway_decisions_total', allowed)).toBe(
      sample(before, 'barong_gateway_decisions_total', allowed) + 2,
    );
    expect(after).not.toMatch(/operation_id="authorize/);
  });

  it('Redis errors by connection name', async () => {
    const dead = new Redis(`redis://127.0.0.1:${await freePort()}`, { maxRetriesPerRequest: 0, lazyConnect: true });
    processMetrics().watchRedis(dead, 'test-dead');
    try {
      await dead.connect().catch(() => undefined);
      await until(async () => sample(await scrape(), 'barong_redis_errors_total', { connection: 'test-dead' }) >= 1);
    } finally {
      dead.disconnect();
    }
  });
});

describe('who may read /metrics', () => {
  it('with BARONG_METRICS_TOKEN: the bearer only, compared whole', async () => {
    const guarded = await startTestApp({ BARONG_METRICS_TOKEN: TOKEN });
    try {
      const refused = await request(guarded.app).get('/metrics').expect(401);
      expect(refused.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(refused.body).toEqual({ errors: ['request.http_401'] });
      await request(guarded.app).get('/metrics').set('Authorization', `Bearer ${TOKEN}x`).expect(401);
      await request(guarded.app)
        .get('/metrics')
        .set('Authorization', `Bearer ${TOKEN.slice(0, -1)}`)
        .expect(401);
      await request(guarded.app).get('/metrics').set('Authorization', TOKEN).expect(401);
      const served = await request(guarded.app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
      expect(served.headers['content-type']).toMatch(/^text\/plain/);
      expect(served.text).toContain('barong_login_results_total');
    } finally {
      await guarded.close();
    }
  });

  it('BARONG_METRICS_ENABLED=false: served nowhere', async () => {
    const off = await startTestApp({ BARONG_METRICS_ENABLED: 'false' });
    try {
      await request(off.app)
        .get('/metrics')
        .expect(404, { errors: ['route.not_found'] });
    } finally {
      await off.close();
    }
  });

  it('with BARONG_METRICS_PORT: on that port only, with the token when one is set', async () => {
    const [apiPort, metricsPort] = [await freePort(), await freePort()];
    const config = loadConfig({
      ...process.env,
      ...testEnvironment(t.db.name),
      HOST: '127.0.0.1',
      PORT: String(apiPort),
      BARONG_METRICS_PORT: String(metricsPort),
      BARONG_METRICS_TOKEN: TOKEN,
    });
    const api = await startApi(config);
    try {
      const onApiPort = await fetch(`http://127.0.0.1:${apiPort}/metrics`, {
        headers: { Authorization: `Bearer ${TOKEN}` },
      });
      expect(onApiPort.status).toBe(404);
      const withoutToken = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(withoutToken.status).toBe(401);
      const served = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, {
        headers: { Authorization: `Bearer ${TOKEN}` },
      });
      expect(served.status).toBe(200);
      expect(await served.text()).toContain('barong_http_request_duration_seconds');
      expect((await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).status).toBe(404);
    } finally {
      await api.stop();
    }
  });

  it('the worker alone (jobs/main.ts, its own process) serves its series on BARONG_METRICS_PORT', async () => {
    const port = await freePort();
    const env = { ...process.env, ...testEnvironment(t.db.name), BARONG_METRICS_PORT: String(port), HOST: '127.0.0.1' };
    const worker = spawn(process.execPath, ['--import', 'tsx', 'jobs/main.ts'], { stdio: 'ignore', env });
    try {
      const url = `http://127.0.0.1:${port}/metrics`;
      await waitForHealth(url, worker, 60);
      const text = await (await fetch(url)).text();
      expect(text).toMatch(/^barong_queue_jobs\{queue="mail",state="failed"\} \d+$/m);
      expect(text).toMatch(/^barong_queue_jobs\{queue="sms",state="delayed"\} \d+$/m);
      expect(text).toMatch(/^barong_outbox_backlog \d+$/m);
      expect(text).toMatch(/^barong_db_pool_in_use\{pool="relay"\} \d+$/m);
      expect(text).not.toMatch(/^barong_http_request_duration_seconds_count/m); // the API's, not recorded here
    } finally {
      worker.kill('SIGTERM');
      await new Promise((resolve) => (worker.exitCode !== null ? resolve(null) : worker.once('exit', resolve)));
    }
  }, 90_000);
});
