/**
 * `keys rotate` against a real database: the new key is published at once and signs only from its activation;
 * tokens signed by the old key verify until they have expired, then the old key leaves the JWKS; another process
 * reads the same keys; the command is refused while a key waits, and recorded as an admin activity.
 */
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { decodeProtectedHeader } from 'jose';
import { startTestApp, testEnvironment, type TestApp } from '../support/app.js';
import { cli, cliActivities, TEST_OPERATOR } from '../support/cli.js';
import { createUser } from '../support/factories.js';
import { loadConfig } from '../../src/config/index.js';
import { createServices, type Services } from '../../src/compose.js';
import { createLogger } from '../../src/lib/logger.js';
import { verificationKeyFrom } from '../../src/lib/jwt-keys.js';
import { userClaims } from '../../src/domain/tokens/session-jwt.js';
import type { User } from '../../src/db/repositories/users-repository.js';

const JWKS_PATH = '/api/v2/barong/identity/.well-known/jwks.json';
const ME = '/api/v2/barong/resource/users/me';
const REFRESH = 600;
const EXPIRE = 3600;

const b64Pem = (key: KeyObject) =>
  Buffer.from(key.export({ type: 'pkcs8', format: 'pem' }).toString()).toString('base64');
const kidOf = async (key: KeyObject) => (await verificationKeyFrom(key)).kid;
/** `seconds` from now: the key ring decides its keys as at that time. */
const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000);

function keysApp(algorithm: 'RS256' | 'ES256') {
  const configured =
    algorithm === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey
      : generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const env = {
    JWT_PRIVATE_KEY: b64Pem(configured),
    BARONG_JWT_ALGORITHM: algorithm,
    BARONG_JWT_KEYS_REFRESH_INTERVAL: String(REFRESH),
    BARONG_JWT_EXPIRE_TIME: String(EXPIRE),
  };
  return { configured, env };
}

describe('keys rotate (RS256)', () => {
  const { configured, env } = keysApp('RS256');
  let t: TestApp;
  let user: User;
  let configuredKid: string;
  let newKid: string;
  let oldToken: string;

  const jwksKids = async (app = t.app) =>
    (await request(app).get(JWKS_PATH).expect(200)).body.keys.map((k: { kid: string }) => k.kid);
  const me = (token: string) => request(t.app).get(ME).set('Authorization', `Bearer ${token}`);
  const sign = (services: Services = t.services) => services.sessionJwt.sign(userClaims(user));

  beforeAll(async () => {
    t = await startTestApp(env);
    user = await createUser(t);
    configuredKid = await kidOf(configured);
    oldToken = await sign();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a key that would sign before every process has read it, storing nothing', async () => {
    const run = await cli(t, ['keys', 'rotate', '--activate-in', String(REFRESH - 1)], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('BARONG_JWT_KEYS_REFRESH_INTERVAL (600 s)');
    expect(await t.db.knex('signing_keys')).toEqual([]);
  });

  it('publishes the new key at once and keeps signing with the old one until the activation', async () => {
    const run = await cli(t, ['keys', 'rotate', '--activate-in', String(REFRESH)], { env });
    expect(run.code).toBe(0);
    newKid = run.stdout.trim();
    expect(newKid).toMatch(/^[\w-]{43}$/);
    expect(run.stderr).toContain(`${configuredKid} signs until then`);

    await t.services.jwtKeys.refresh();
    expect(await jwksKids()).toEqual([configuredKid, newKid]);
    expect(decodeProtectedHeader(await sign()).kid).toBe(configuredKid);
  });

  it('stores the private half encrypted, the configured key with its retirement only', async () => {
    const rows = await t.db.knex('signing_keys').orderBy('id');
    expect(rows.map((r) => [r.kid, r.algorithm, r.private_key_encrypted === null])).toEqual([
      [configuredKid, 'RS256', true],
      [newKid, 'RS256', false],
    ]);
    expect(rows[1].private_key_encrypted).toMatch(/^v\d+:/);
    expect(rows[1].private_key_encrypted).not.toContain('PRIVATE KEY');
    const retires = rows[0].retires_at.getTime() - rows[1].activates_at.getTime();
    expect(retires).toBe((EXPIRE + REFRESH) * 1000);
  });

  it('refuses another rotation while the new key waits to sign', async () => {
    const run = await cli(t, ['keys', 'rotate', '--activate-in', String(REFRESH)], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`the key ${newKid} waits to sign from`);
    expect(await t.db.knex('signing_keys').count({ n: '*' })).toEqual([{ n: 2 }]);
  });

  it('from the activation on, new tokens carry the new kid and tokens of the old key still verify', async () => {
    await t.services.jwtKeys.refresh(inSeconds(REFRESH + 1));
    const fresh = await sign();
    expect(decodeProtectedHeader(fresh)).toEqual({ alg: 'RS256', kid: newKid, typ: 'JWT' });
    expect(await jwksKids()).toEqual([newKid, configuredKid]);
    expect((await me(fresh).expect(200)).body).toMatchObject({ uid: user.uid });
    expect((await me(oldToken).expect(200)).body).toMatchObject({ uid: user.uid });
  });

  it('another process on the same database reads the same keys', async () => {
    const sibling = await createServices(
      loadConfig({ ...process.env, ...testEnvironment(t.db.name), ...env }),
      createLogger('silent'),
    );
    try {
      await sibling.jwtKeys.refresh(inSeconds(REFRESH + 1));
      expect(decodeProtectedHeader(await sign(sibling)).kid).toBe(newKid);
      expect(await sibling.sessionJwt.verify(oldToken)).toMatchObject({ uid: user.uid });
    } finally {
      await sibling.close();
    }
  });

  it('once the old key has no live token left, it leaves the JWKS and its tokens are refused', async () => {
    await t.services.jwtKeys.refresh(inSeconds(REFRESH + EXPIRE + REFRESH + 1));
    expect(await jwksKids()).toEqual([newKid]);
    expect((await me(oldToken).expect(401)).body).toEqual({ errors: ['jwt.decode_and_verify'] });
  });

  it('lists the keys and prints the public key that pinning services take', async () => {
    const list = await cli(t, ['keys', 'list'], { env });
    expect(list.code).toBe(0);
    const lines = list.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t').slice(0, 4));
    expect(lines).toEqual([
      [configuredKid, 'RS256', 'signing', 'configured'],
      [newKid, 'RS256', 'waiting', 'stored'],
    ]);
    const printed = await cli(t, ['keys', 'public-key'], { env });
    expect(printed.code).toBe(0);
    const pem = Buffer.from(printed.stdout.trim(), 'base64').toString();
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(await kidOf(createPublicKey(pem))).toBe(newKid);
    expect((await cli(t, ['keys', 'public-key', '--kid', 'nope'], { env })).code).toBe(1);
  });

  it('records the rotation as an admin activity naming the OS user and the command', async () => {
    const activities = await cliActivities(t);
    expect(activities).toHaveLength(1);
    expect(activities[0]).toMatchObject({ topic: 'keys', action: 'create', result: 'succeed' });
    expect(activities[0]!.data).toMatchObject({
      operator: TEST_OPERATOR,
      command: 'keys rotate',
      kid: newKid,
      previous_kid: configuredKid,
    });
  });
});

describe('keys rotate (ES256)', () => {
  it('makes a key of the configured algorithm', async () => {
    const { env } = keysApp('ES256');
    const t = await startTestApp(env);
    try {
      const run = await cli(t, ['keys', 'rotate', '--activate-in', String(REFRESH)], { env });
      expect(run.code).toBe(0);
      await t.services.jwtKeys.refresh();
      const keys = (await request(t.app).get(JWKS_PATH).expect(200)).body.keys;
      expect(keys.map((k: { kid: string; kty: string; alg: string }) => [k.kid, k.kty, k.alg])).toContainEqual([
        run.stdout.trim(),
        'EC',
        'ES256',
      ]);
    } finally {
      await t.close();
    }
  });
});
