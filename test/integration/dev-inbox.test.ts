/**
 * The development inbox over HTTP, on real processes. Development: the database made as README's first command makes
 * it (`db:migrate`, `db:seed`), then `jobs/main.ts --with-api` (what `npm start` runs, from the sources) with
 * NODE_ENV=development and no BARONG_SMTP_HOST: a newcomer signs up, reads the confirmation mail at /dev/inbox,
 * confirms with the page's form, logs in, adds a phone, reads the mock SMS code there and reaches level 2.
 * Only clients on this machine see the inbox (the socket's address, whatever X-Forwarded-For says). Production: the
 * API answers 404 there, and a start without BARONG_SMTP_HOST refuses with one line naming it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { loadConfig } from '../../src/config/index.js';
import { dropDatabase } from '../../src/db/create-database.js';
import { escapeHtml } from '../../src/api/dev/dev-inbox-page.js';
import type { DevInboxEntry } from '../../src/lib/dev-inbox.js';
import { testDatabaseConfig } from '../support/database.js';
import { STRONG_PASSWORD } from '../support/factories.js';
import { freePort, waitForHealth } from '../support/processes.js';
import { deleteKeysWithPrefix } from '../support/redis.js';
import { until } from '../support/wait.js';

const run = promisify(execFile);
const database = testDatabaseConfig();
const PREFIX = `barong_test:${database.name}:`;
const API = '/api/v2/barong';
const { NODE_OPTIONS: _inherited, BARONG_SMTP_HOST: _smtp, ...parentEnv } = process.env;
/** What a newcomer has: no variables but where this test's database and Redis keys go. */
const devEnv: NodeJS.ProcessEnv = {
  ...parentEnv,
  NODE_ENV: 'development',
  LOG_LEVEL: 'info',
  DATABASE_NAME: database.name,
  BARONG_REDIS_PREFIX: PREFIX,
  BARONG_DEV_KEY_PATH: '.dev/test-rsa-key.pem',
};
const productionEnv: NodeJS.ProcessEnv = {
  ...devEnv,
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
  BARONG_SMTP_HOST: '127.0.0.1',
  BARONG_ENCRYPTION_KEYS: `1:${randomBytes(32).toString('base64')}`,
  JWT_PRIVATE_KEY: Buffer.from(
    generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
  ).toString('base64'),
};

interface Started {
  child: ChildProcess;
  output: () => string;
  base: string;
  port: number;
}
const started: ChildProcess[] = [];

function spawnNode(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function startServer(args: string[], env: NodeJS.ProcessEnv): Promise<Started> {
  const port = await freePort();
  const { child, output } = spawnNode(args, { ...env, PORT: String(port) });
  const base = `http://127.0.0.1:${port}`;
  await waitForHealth(`${base}/healthz`, child, 90);
  return { child, output, base, port };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** A browser's session: the cookie the server sets, and the CSRF token of the last login. */
class Browser {
  cookie = '';
  csrf = '';
  constructor(private readonly base: string) {}

  async send(method: string, path: string, body?: unknown, form?: Record<string, string>) {
    const headers: Record<string, string> = { origin: this.base };
    if (this.cookie) headers.cookie = this.cookie;
    if (this.csrf) headers['x-csrf-token'] = this.csrf;
    let payload: string | undefined;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(form).toString();
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const res = await fetch(`${this.base}${path}`, { method, headers, body: payload });
    const session = res.headers.getSetCookie().find((c) => c.startsWith('_barong_session='));
    if (session) this.cookie = session.split(';')[0]!;
    const text = await res.text();
    return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
  }
}

async function inbox(base: string): Promise<DevInboxEntry[]> {
  const res = await fetch(`${base}/dev/inbox.json`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { messages: DevInboxEntry[] }).messages;
}

beforeAll(async () => {
  // README's first command, short of `npm ci` and the build: the database CLI as `db:migrate` and `db:seed` run it.
  await run(process.execPath, ['--import', 'tsx', 'src/db/cli.ts', 'migrate'], { env: devEnv });
  await run(process.execPath, ['--import', 'tsx', 'src/db/cli.ts', 'seed'], { env: devEnv });
}, 120_000);

afterAll(async () => {
  await Promise.all(started.map(stop));
  const redis = new Redis(loadConfig({ ...devEnv, NODE_ENV: 'test' }).redisUrl);
  await deleteKeysWithPrefix(redis, PREFIX).finally(() => redis.disconnect());
  await dropDatabase(database);
}, 60_000);

describe('development (npm start with no variables)', () => {
  let dev: Started;
  beforeAll(async () => {
    dev = await startServer(['jobs/main.ts', '--with-api'], devEnv);
  }, 120_000);

  it('announces the inbox in the start-up log', async () => {
    await until(() => dev.output().includes(`dev inbox: http://localhost:${dev.port}/dev/inbox`), {
      what: 'the announcement',
    });
  });

  it('takes a newcomer from sign-up to level 2 through the inbox', async () => {
    const email = `newcomer-${randomBytes(3).toString('hex')}@example.com`;
    // The first sign-up of a development database is its superadmin, with no confirmation to wait for.
    const first = await new Browser(dev.base).send('POST', `${API}/identity/users`, {
      email: `operator-${randomBytes(3).toString('hex')}@example.com`,
      password: STRONG_PASSWORD,
    });
    expect(first).toMatchObject({ status: 201, body: { role: 'superadmin' } });

    const browser = new Browser(dev.base);
    const signUp = await browser.send('POST', `${API}/identity/users`, { email, password: STRONG_PASSWORD });
    expect(signUp).toMatchObject({ status: 201, body: { email, level: 0, state: 'pending' } });

    const mail = await until(async () => (await inbox(dev.base)).find((m) => m.kind === 'mail' && m.to === email), {
      timeoutMs: 30_000,
      intervalMs: 200,
      what: 'the confirmation mail in the inbox',
    });
    expect(mail).toMatchObject({ kind: 'mail', subject: 'Registration Confirmation' });
    const token = /confirmation_token=([^&\s]+)/.exec(mail.kind === 'mail' ? mail.text : '')![1]!;

    // The page offers the confirmation as a form posting the token to the API; the browser submits it.
    const page = await browser.send('GET', '/dev/inbox');
    expect(page.status).toBe(200);
    const form = new RegExp(
      `<form method="post" action="${API}/identity/users/email/confirm_code">\\s*<input type="hidden" name="token" value="([^"]+)">`,
    ).exec(page.body as string);
    expect(form?.[1]).toBe(escapeHtml(decodeURIComponent(token)));
    const confirmed = await browser.send('POST', `${API}/identity/users/email/confirm_code`, undefined, {
      token: form![1]!, // a JWT: nothing in it needed escaping
    });
    expect(confirmed).toMatchObject({ status: 201, body: { email, level: 1, state: 'active' } });

    const login = await browser.send('POST', `${API}/identity/sessions`, { email, password: STRONG_PASSWORD });
    expect(login.status).toBe(201);
    browser.csrf = login.body.csrf_token;

    const number = '+12025550143';
    expect((await browser.send('POST', `${API}/resource/phones`, { phone_number: number })).status).toBe(200);
    const sms = await until(async () => (await inbox(dev.base)).find((m) => m.kind === 'sms' && m.to === number), {
      timeoutMs: 30_000,
      intervalMs: 200,
      what: 'the SMS code in the inbox',
    });
    if (sms.kind !== 'sms') throw new Error('not an SMS');
    expect(sms.code).toMatch(/^\d{5}$/);
    expect(sms.text).toContain(sms.code);
    expect((await browser.send('GET', '/dev/inbox')).body).toContain(`<code class="code">${sms.code}</code>`);

    const verified = await browser.send('POST', `${API}/resource/phones/verify`, {
      phone_number: number,
      verification_code: sms.code,
    });
    expect(verified.status).toBe(201);
    const me = await browser.send('GET', `${API}/resource/users/me`);
    expect(me).toMatchObject({ status: 200, body: { email, level: 2 } });

    // Neither the token nor the code reached the log.
    expect(dev.output()).not.toContain(token);
    expect(dev.output()).not.toContain(`"${sms.code}"`);
  }, 90_000);

  it('answers only clients on this machine, whatever X-Forwarded-For says', async () => {
    const spoofed = await fetch(`${dev.base}/dev/inbox.json`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(spoofed.status).toBe(200);
    // The process listens on every address (HOST's default); reach it through one that is not loopback, if any.
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && !a.internal && a.family === 'IPv4')?.address;
    if (!external) return;
    const remote = `http://${external}:${dev.port}`;
    expect((await fetch(`${remote}/healthz`)).status).toBe(200);
    for (const path of ['/dev/inbox', '/dev/inbox.json']) {
      const res = await fetch(`${remote}${path}`, { headers: { 'x-forwarded-for': '127.0.0.1' } });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ errors: ['route.not_found'] });
    }
  });
});

describe('production', () => {
  it('has no inbox, not even the route', async () => {
    const api = await startServer(['src/main.ts'], productionEnv);
    try {
      for (const path of ['/dev/inbox', '/dev/inbox.json']) {
        const res = await fetch(`${api.base}${path}`);
        expect(res.status).toBe(404);
        expect(await res.json()).toEqual({ errors: ['route.not_found'] });
      }
      expect(api.output()).not.toContain('dev inbox');
    } finally {
      await stop(api.child);
    }
  }, 120_000);

  it('refuses to start without BARONG_SMTP_HOST, naming it', async () => {
    const { BARONG_SMTP_HOST: _host, ...env } = productionEnv;
    for (const args of [['jobs/main.ts', '--with-api'], ['src/main.ts']]) {
      const { exited, output } = spawnNode(args, { ...env, PORT: String(await freePort()) });
      expect(await exited).toBe(1);
      expect(output()).toMatch(/^ {2}BARONG_SMTP_HOST: required in production/m);
    }
  }, 120_000);
});
