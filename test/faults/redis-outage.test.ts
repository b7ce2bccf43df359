/**
 * Fault drill: Redis stopped for 10 s. The drill's own redis-server (test/support/redis-server.ts, AOF with
 * `appendfsync always`) serves an API process and a worker (real processes). It is killed with SIGKILL while mails
 * are still queued, and started again on the same data directory 10 s later. Meanwhile sessions and the gateway fail
 * closed (503, never a 200, never a hang), and neither process crashes; afterwards the same session works again and
 * every mail enqueued before the outage arrives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestApp, testEnvironment, type TestApp } from '../support/app.js';
import { activeUser, sessionCookie } from '../support/factories.js';
import { BROWSER } from '../support/account-client.js';
import { freePort, spawnTsx, waitForHealth, type RunningProcess } from '../support/processes.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { startSmtpCatcher, type SmtpCatcher } from '../support/smtp.js';
import { until } from '../support/wait.js';
import { createMailQueue } from '../../src/queues/mail-queue.js';

const BASE = '/api/v2/barong';
const ANSWER_BOUND_MS = 5000;

let redis: RedisServer;
let smtp: SmtpCatcher;
let t: TestApp;
let api: RunningProcess;
let worker: RunningProcess;
let url = '';

beforeAll(async () => {
  redis = await startRedisServer();
  smtp = await startSmtpCatcher();
  const redisEnv = { REDIS_URL: `${redis.url}/0` };
  t = await startTestApp(redisEnv);
  const env = {
    ...testEnvironment(t.db.name),
    ...redisEnv,
    BARONG_SMTP_HOST: '127.0.0.1',
    BARONG_SMTP_PORT: String(smtp.port),
  };
  const port = await freePort();
  api = spawnTsx('src/main.ts', { ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' });
  worker = spawnTsx('jobs/main.ts', { ...env, LOG_LEVEL: 'info' });
  url = `http://127.0.0.1:${port}`;
  await waitForHealth(`${url}/healthz`, api.child, 90);
  await until(() => worker.output().includes('mail worker started'), { timeoutMs: 90_000, what: 'the worker' });
}, 240_000);

afterAll(async () => {
  await Promise.all([api?.stop('SIGKILL'), worker?.stop('SIGKILL')]);
  await redis?.start().catch(() => undefined);
  await t?.close().catch(() => undefined);
  await smtp?.close();
  await redis?.destroy();
}, 120_000);

interface Answer {
  status: number;
  body: unknown;
  ms: number;
}

async function timed(send: () => request.Test): Promise<Answer> {
  const started = Date.now();
  const res = await send().timeout(ANSWER_BOUND_MS * 3);
  return { status: res.status, body: res.body as unknown, ms: Date.now() - started };
}

describe('Redis stopped for 10 s', () => {
  it('fails sessions and the gateway closed with 503, then resumes; queued mails are not lost', async () => {
    const user = await activeUser(t);
    const login = await request(url)
      .post(`${BASE}/identity/sessions`)
      .set('User-Agent', BROWSER)
      .send({ email: user.email, password: user.password })
      .expect(201);
    const cookie = sessionCookie(login)!;
    const me = () =>
      timed(() => request(url).get(`${BASE}/resource/users/me`).set('Cookie', cookie).set('User-Agent', BROWSER));
    const gateway = () =>
      timed(() =>
        request(url)
          .get(`${BASE}/auth/api/v2/peatio/account/balances`)
          .set('Cookie', cookie)
          .set('User-Agent', BROWSER),
      );
    expect((await me()).status).toBe(200);
    expect((await gateway()).status).toBe(200);

    // Mails enqueued before the outage: the worker is still sending some when Redis dies.
    const queue = createMailQueue({ redis: t.config.redis, prefix: t.config.redisPrefix }, t.services.encryptor);
    const recipients = Array.from({ length: 300 }, (_, i) => `redis-${i}@drill.test`);
    for (const to of recipients)
      await queue.enqueue({
        template: 'password_changed',
        to,
        language: 'en',
        data: {},
        idempotencyKey: `drill:${to}`,
      });
    await queue.close();
    await until(() => smtp.inbox.length >= 20, { timeoutMs: 60_000, what: 'the first mails' });

    await redis.stop('SIGKILL');
    const during: Answer[] = [];
    const outageEnds = Date.now() + 10_000;
    while (Date.now() < outageEnds) {
      during.push(await me(), await gateway());
      await sleep(200);
    }
    const deliveredAtRestart = smtp.inbox.length;
    await redis.start();

    const refused = { status: 503, body: { errors: ['server.redis_unavailable'] } };
    expect(
      during.filter((a) => a.status !== 503),
      JSON.stringify(during),
    ).toEqual([]);
    for (const a of during) expect(a).toMatchObject(refused);
    expect(Math.max(...during.map((a) => a.ms))).toBeLessThan(ANSWER_BOUND_MS);
    expect(deliveredAtRestart).toBeLessThan(300);

    await until(async () => (await me()).status === 200, { timeoutMs: 30_000, what: 'the session to work again' });
    expect((await gateway()).status).toBe(200);
    await until(
      // Only the drill's mails: the login's own (new_login) may arrive too.
      () =>
        new Set(
          smtp.inbox
            .map((m) => (m.to && !Array.isArray(m.to) ? m.to.text : ''))
            .filter((to) => to.startsWith('redis-')),
        ).size,
      (n) => n === 300,
      { timeoutMs: 150_000, intervalMs: 200, what: 'every mail enqueued before the outage' },
    );
    expect(api.child.exitCode, api.output()).toBeNull();
    expect(worker.child.exitCode, worker.output()).toBeNull();
  });
});
