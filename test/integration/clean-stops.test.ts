/**
 * Clean stops (issue 12, item 11), on real processes. The API told to stop (SIGTERM) under a stream of keep-alive
 * requests answers every request it has taken, resets none, refuses new connections, and exits 0 within
 * BARONG_SHUTDOWN_TIMEOUT. The worker told to stop while an SMTP server is slow to take a mail finishes that mail,
 * sends it once, and exits 0. The readiness probe answers 503 once the API is stopping.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request as httpRequest } from 'node:http';
import request from 'supertest';
import { startTestApp, testEnvironment, type TestApp } from '../support/app.js';
import { createUser } from '../support/factories.js';
import { BROWSER } from '../support/account-client.js';
import { freePort, spawnTsx, waitForHealth } from '../support/processes.js';
import { startSmtpCatcher, type SmtpCatcher } from '../support/smtp.js';
import { until } from '../support/wait.js';
import { composeApp } from '../../src/compose.js';

const BASE = '/api/v2/barong';
const SHUTDOWN_TIMEOUT_S = 10;
/** Production argon2id parameters: a login then takes real time, so many are in flight when the stop comes. */
const PRODUCTION_HASHING = { BARONG_ARGON2_MEMORY_COST: '19456', BARONG_ARGON2_TIME_COST: '2' };

let t: TestApp;
let smtp: SmtpCatcher;

beforeAll(async () => {
  smtp = await startSmtpCatcher();
  t = await startTestApp(PRODUCTION_HASHING);
}, 60_000);

afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

function environment(): Record<string, string> {
  return {
    ...testEnvironment(t.db.name),
    ...PRODUCTION_HASHING,
    LOG_LEVEL: 'info',
    BARONG_SMTP_HOST: '127.0.0.1',
    BARONG_SMTP_PORT: String(smtp.port),
    BARONG_SHUTDOWN_TIMEOUT: String(SHUTDOWN_TIMEOUT_S),
  };
}

/** What one client saw: its answers, and how it ended. */
interface ClientRecord {
  answered: { status: number; afterStop: boolean }[];
  /** Requests lost on a connection the server had accepted: what a clean stop must never do. */
  lost: string[];
  /** How a new connection ended the client: refused, or reset before the server ever accepted it. */
  ended?: 'refused' | 'reset before accept';
}

interface RequestSpec {
  path: string;
  method: 'GET' | 'POST';
  body?: unknown;
}

/**
 * One client on one keep-alive connection (an agent of one socket), sending requests one after another until a new
 * connection is refused. Node's `reusedSocket` tells the two kinds of failure apart: an error on a socket that
 * already carried a request is a request the server took and dropped; an error on a fresh one is a connection the
 * server never accepted (closing a listening socket resets the connections still in the kernel's accept queue).
 */
function startClient(base: string, spec: RequestSpec, stoppedAt: () => number | undefined) {
  const record: ClientRecord = { answered: [], lost: [] };
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
  const send = () =>
    new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `${base}${spec.path}`,
        { agent, method: spec.method, headers: { 'User-Agent': BROWSER, 'Content-Type': 'application/json' } },
        (res) => {
          res.resume();
          res.once('end', () => resolve(res.statusCode ?? 0));
          res.once('error', reject);
        },
      );
      req.once('error', (err: NodeJS.ErrnoException) => reject(Object.assign(err, { reused: req.reusedSocket })));
      req.end(body);
    });
  const done = (async () => {
    const giveUpAt = Date.now() + 60_000;
    while (Date.now() < giveUpAt && record.lost.length < 5) {
      try {
        const status = await send();
        record.answered.push({ status, afterStop: stoppedAt() !== undefined });
      } catch (err) {
        const { code, message, reused } = err as NodeJS.ErrnoException & { reused: boolean };
        if (code === 'ECONNREFUSED' || (!reused && code === 'ECONNRESET')) {
          record.ended = code === 'ECONNREFUSED' ? 'refused' : 'reset before accept';
          break;
        }
        const at = stoppedAt();
        record.lost.push(
          `${spec.path}: ${code ?? message} ${at === undefined ? 'before' : `${Date.now() - at} ms after`} the stop`,
        );
      }
    }
    agent.destroy();
  })();
  return { record, done };
}

describe('the worker process on SIGTERM', () => {
  it('finishes the mail in hand: it arrives once, and the process exits 0', async () => {
    const user = await createUser(t);
    const worker = spawnTsx('jobs/main.ts', environment());
    try {
      await until(() => worker.output().includes('outbox relay started'), { timeoutMs: 60_000, what: 'the worker' });
      smtp.delayNext(3000); // the SMTP server holds its answer: the worker is mid-send when the signal comes
      await request(t.app)
        .post(`${BASE}/identity/users/password/generate_code`)
        .set('User-Agent', BROWSER)
        .send({ email: user.email })
        .expect(201);
      await until(() => smtp.startedTo.some((to) => to.includes(user.email)), {
        timeoutMs: 30_000,
        what: 'the worker to start sending',
      });
      expect(smtp.inbox.filter((m) => JSON.stringify(m.to).includes(user.email))).toHaveLength(0);

      worker.child.kill('SIGTERM');
      const code = await worker.exited;
      expect(code, worker.output().slice(-3000)).toBe(0);
      expect(smtp.inbox.filter((m) => JSON.stringify(m.to).includes(user.email)).map((m) => m.subject)).toEqual([
        'Password Reset',
      ]);
      // It was in hand when the signal came: sent after the worker began to shut down, before it stopped.
      const log = worker.output();
      const sentAt = log.search(/"template":"password_reset"[^\n]*"msg":"mail sent"/);
      expect(log.indexOf('shutting down')).toBeGreaterThan(-1);
      expect(sentAt).toBeGreaterThan(log.indexOf('shutting down'));
      expect(log.indexOf('mail worker stopped')).toBeGreaterThan(sentAt);
    } finally {
      await worker.stop('SIGKILL');
    }
  }, 120_000);
});

describe('the API process on SIGTERM', () => {
  it('answers every request in flight, resets none, refuses new connections and exits 0 within the bound', async () => {
    const user = await createUser(t);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const api = spawnTsx('src/main.ts', { ...environment(), PORT: String(port), HOST: '127.0.0.1' });
    try {
      await waitForHealth(`${url}/healthz`, api.child, 60);
      let stoppedAt: number | undefined;
      const login = {
        path: `${BASE}/identity/sessions`,
        method: 'POST' as const,
        body: { email: user.email, password: user.password },
      };
      const ping = { path: `${BASE}/public/ping`, method: 'GET' as const };
      const loops = [
        ...Array.from({ length: 10 }, () => startClient(url, login, () => stoppedAt)),
        ...Array.from({ length: 40 }, () => startClient(url, ping, () => stoppedAt)),
      ];
      // The stream is steady once every client has had answers (its connection is open and in use).
      await until(() => loops.every((l) => l.record.answered.length >= 2), {
        timeoutMs: 30_000,
        what: 'every client served',
      });
      api.child.kill('SIGTERM');
      stoppedAt = Date.now();
      const code = await api.exited;
      const stopMs = Date.now() - stoppedAt;
      await Promise.all(loops.map((l) => l.done));
      const records = loops.map((l) => l.record);

      expect(records.flatMap((r) => r.lost)).toEqual([]);
      expect(records.map((r) => r.ended).filter((e) => !e)).toEqual([]);
      const answers = records.flatMap((r) => r.answered);
      const statuses = new Set(answers.map((a) => a.status));
      expect([...statuses].sort()).toEqual([200, 201]);
      // The requests in flight when the signal came were answered after it.
      expect(answers.filter((a) => a.afterStop).length).toBeGreaterThan(0);
      expect(code, api.output().slice(-3000)).toBe(0);
      expect(stopMs).toBeLessThan(SHUTDOWN_TIMEOUT_S * 1000);
      expect(api.output()).toContain('barong API stopped');
      expect(api.output()).not.toContain('unfinished requests cut');
    } finally {
      await api.stop('SIGKILL');
    }
  }, 120_000);

  it('fails readiness once stopping, so a load balancer sends no more', async () => {
    let stopping = false;
    const { app } = composeApp(t.services, { stopping: () => stopping });
    await request(app).get('/readyz').expect(200);
    stopping = true;
    await request(app).get('/readyz').expect(503, { status: 'stopping' });
    await request(app).get('/healthz').expect(200);
  });
});
