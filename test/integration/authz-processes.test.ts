/**
 * Two API processes behind one gateway (issue 5, item 7): this test's app and a second real server process
 * (`src/main.ts`) on the same database and Redis. A restriction changed in one is enforced by the other's endpoint
 * at once (policy pub/sub); a session opened in one is authorized by the other with claims that follow a change
 * made in the first (the claims records live in Redis and are invalidated there); an API-key nonce used on one is
 * refused on the other (issue 8, item 13: the nonce store lives in Redis too).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { spawn, type ChildProcess } from 'node:child_process';
import { decodeJwt } from 'jose';
import { generateSecret } from 'otplib';
import { startTestApp, type TestApp } from '../support/app.js';
import { activeUser, createApiKey, createUser } from '../support/factories.js';
import { BROWSER, login } from '../support/account-client.js';
import { freePort, waitForHealth } from '../support/processes.js';
import { until } from '../support/wait.js';
import { hmacHex } from '../../src/domain/api-keys/api-key-secrets.js';

let t: TestApp;
let second: ChildProcess | undefined;
let base = '';

beforeAll(async () => {
  t = await startTestApp();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  second = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_NAME: t.config.database.name,
      BARONG_REDIS_PREFIX: t.config.redisPrefix,
      BARONG_DEV_KEY_PATH: '.dev/test-rsa-key.pem',
    },
  });
  await waitForHealth(`${base}/healthz`, second, 30);
}, 60_000);

afterAll(async () => {
  if (second && second.exitCode === null) {
    const exited = new Promise((r) => second!.once('exit', r));
    second.kill('SIGTERM');
    await exited;
  }
  await t?.close();
});

const viaSecond = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/api/v2/barong/auth/${path}`, { headers: { 'User-Agent': BROWSER, ...headers } });

describe('a second API process', () => {
  it('enforces a restriction created in the first one at once', async () => {
    expect((await viaSecond('api/v2/barong/public/ping')).status).toBe(200);
    const row = await t.services.restrictionsAdmin.create({ category: 'maintenance', scope: 'all', value: 'all' });
    const res = await until(
      () => viaSecond('api/v2/barong/public/ping'),
      (r) => r.status === 471,
      { intervalMs: 100, retryErrors: true },
    );
    expect(await res.json()).toEqual({ errors: ['authz.restrict.maintenance'] });
    await t.services.restrictionsAdmin.delete(row.id);
    await until(
      () => viaSecond('api/v2/barong/public/ping').then((r) => r.status),
      (s) => s === 200,
      { intervalMs: 100, retryErrors: true },
    );
  });

  it('refuses an API-key nonce already used on the other process, either way (one nonce store; security case 30)', async () => {
    const user = await createUser(t, { otpSecret: generateSecret() });
    const { kid, secret } = await createApiKey(t, { type: 'User', id: user.id });
    const signed = (nonce: string) => ({
      'X-Auth-Apikey': kid,
      'X-Auth-Nonce': nonce,
      'X-Auth-Signature': hmacHex('HS256', secret, nonce + kid),
    });
    const viaFirst = (nonce: string) =>
      request(t.app).get('/api/v2/barong/auth/api/v2/peatio/account/balances').set(signed(nonce));

    const usedOnFirst = String(Date.now());
    await viaFirst(usedOnFirst).expect(200);
    const replayed = await viaSecond('api/v2/peatio/account/balances', signed(usedOnFirst));
    expect({ status: replayed.status, body: await replayed.json() }).toEqual({
      status: 401,
      body: { errors: ['authz.nonce_reused'] },
    });

    const usedOnSecond = String(Number(usedOnFirst) + 1);
    expect((await viaSecond('api/v2/peatio/account/balances', signed(usedOnSecond))).status).toBe(200);
    await viaFirst(usedOnSecond).expect(401, { errors: ['authz.nonce_reused'] });
  });

  it('authorizes a session opened through the first, with claims that follow a change made in the first', async () => {
    const user = await activeUser(t);
    const s = await login(t, user);
    const tokenFromSecond = async () => {
      const res = await viaSecond('api/v2/peatio/account/balances', { Cookie: s.cookie });
      expect(res.status).toBe(200);
      return decodeJwt(res.headers.get('authorization')!.replace(/^Bearer /, ''));
    };
    expect(await tokenFromSecond()).toMatchObject({ uid: user.uid, level: 1 });
    await t.services.uow.run((w) => t.services.privateLabels.set(w, user, 'phone', 'verified'));
    expect(await tokenFromSecond()).toMatchObject({ uid: user.uid, level: 2 });
    // And the first process agrees.
    const first = await request(t.app)
      .get('/api/v2/barong/auth/api/v2/peatio/account/balances')
      .set('Cookie', s.cookie)
      .set('User-Agent', BROWSER)
      .expect(200);
    expect(decodeJwt(first.headers.authorization!.replace(/^Bearer /, ''))).toMatchObject({ level: 2 });
  });
});
