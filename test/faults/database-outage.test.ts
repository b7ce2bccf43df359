/**
 * Fault drill: MariaDB stopped for 10 s under light load. The drill's own mariadbd (test/support/mariadb-server.ts)
 * is killed while an API process (`src/main.ts`) answers a steady trickle of requests that read the database, and
 * started again on the same data directory 10 s later. Meanwhile every request is answered, within a bound, with
 * 503 `server.database_unavailable` (never a hang, never a 500, never a crash); afterwards the same process answers
 * normally again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestApp, testEnvironment, type TestApp } from '../support/app.js';
import { activeUser, sessionCookie } from '../support/factories.js';
import { BROWSER } from '../support/account-client.js';
import { startMariadbServer, type MariadbServer } from '../support/mariadb-server.js';
import { freePort, spawnTsx, waitForHealth, type RunningProcess } from '../support/processes.js';
import { until } from '../support/wait.js';

const BASE = '/api/v2/barong';
/** No answer during the outage may take longer than this (a request waiting for a connection that will not come). */
const ANSWER_BOUND_MS = 5000;

let mariadb: MariadbServer;
let t: TestApp;
let api: RunningProcess;
let url = '';
const savedPort = process.env.DATABASE_PORT;

beforeAll(async () => {
  mariadb = await startMariadbServer();
  // The test's own database (migrated, seeded) lives on the drill's server; so does the API process's.
  process.env.DATABASE_PORT = String(mariadb.port);
  t = await startTestApp();
  const port = await freePort();
  api = spawnTsx('src/main.ts', {
    ...testEnvironment(t.db.name),
    DATABASE_PORT: String(mariadb.port),
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  });
  url = `http://127.0.0.1:${port}`;
  await waitForHealth(`${url}/healthz`, api.child, 90);
}, 240_000);

afterAll(async () => {
  await api?.stop();
  await mariadb?.start().catch(() => undefined); // a failed drill may leave it stopped; the database is dropped on it
  await t?.close().catch(() => undefined);
  await mariadb?.destroy();
  if (savedPort === undefined) delete process.env.DATABASE_PORT;
  else process.env.DATABASE_PORT = savedPort;
}, 120_000);

interface Answer {
  status: number;
  body: unknown;
  ms: number;
}

describe('MariaDB stopped for 10 s', () => {
  it('answers 503 server.database_unavailable within a bound meanwhile, and normally afterwards', async () => {
    const user = await activeUser(t);
    const login = await request(url)
      .post(`${BASE}/identity/sessions`)
      .set('User-Agent', BROWSER)
      .send({ email: user.email, password: user.password })
      .expect(201);
    const cookie = sessionCookie(login)!;
    const me = async (): Promise<Answer> => {
      const started = Date.now();
      const res = await request(url)
        .get(`${BASE}/resource/users/me`)
        .set('Cookie', cookie)
        .set('User-Agent', BROWSER)
        .timeout(ANSWER_BOUND_MS * 3);
      return { status: res.status, body: res.body as unknown, ms: Date.now() - started };
    };
    expect((await me()).status).toBe(200);

    // Light load: three clients, each asking again as soon as it is answered.
    const answers: Answer[] = [];
    let stopLoad = false;
    const client = async () => {
      while (!stopLoad) {
        answers.push(await me());
        await sleep(50);
      }
    };
    const clients = [client(), client(), client()];
    await sleep(500);

    await mariadb.stop('SIGKILL');
    const outageStart = answers.length;
    await sleep(10_000);
    const duringOutage = answers.slice(outageStart);
    await mariadb.start();
    // Back to normal on the same process: the pool makes new connections as requests need them.
    await until(async () => (await me()).status === 200, { timeoutMs: 30_000, what: 'a 200 after the restart' });
    stopLoad = true;
    await Promise.all(clients);

    expect(api.child.exitCode, api.output()).toBeNull();
    // The outage was noticed, and every answer in it was either served (before the kill landed) or refused properly.
    const refused = duringOutage.filter((a) => a.status === 503);
    const seen = JSON.stringify(duringOutage.map((a) => [a.status, a.ms, a.body]));
    expect(refused.length, seen + api.output().slice(-3000)).toBeGreaterThan(10);
    for (const a of duringOutage) {
      if (a.status === 200) continue;
      expect(a).toMatchObject({ status: 503, body: { errors: ['server.database_unavailable'] } });
    }
    expect(Math.max(...duringOutage.map((a) => a.ms))).toBeLessThan(ANSWER_BOUND_MS);
    for (let i = 0; i < 5; i++) expect((await me()).status).toBe(200);
  });
});
