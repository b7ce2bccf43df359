/**
 * POST /identity/users/access (reference §3.2): a whitelink token whitelists the caller's IP; the operators' CLI
 * issues tokens the endpoint accepts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestApp, type TestApp } from '../support/app.js';
import { npmRun } from '../support/cli.js';

const ACCESS = '/api/v2/barong/identity/users/access';
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const redeem = (token: unknown, clientIp?: string) => {
  const req = request(t.app).post(ACCESS).type('form');
  if (clientIp) req.set('X-Forwarded-For', clientIp); // trusted: supertest connects over loopback
  return req.send({ whitelink_token: token });
};

const whitelisted = (value: string) =>
  t.db
    .knex('restrictions')
    .where({ category: 'whitelist', scope: 'ip', value })
    .select('category', 'scope', 'value', 'code', 'state');

describe('POST /identity/users/access', () => {
  it("whitelists the caller's IP and answers 200 {}", async () => {
    const token = await t.services.whitelink.issue(60);
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    const res = await redeem(token, '203.0.113.7').expect(200);
    expect(res.body).toEqual({});
    expect(await whitelisted('203.0.113.7')).toEqual([
      { category: 'whitelist', scope: 'ip', value: '203.0.113.7', code: null, state: 'enabled' },
    ]);
  });

  it('stores an IPv4 client as a dotted quad, also when it arrives IPv4-mapped (a dual-stack listener)', async () => {
    const token = await t.services.whitelink.issue(60);
    await redeem(token).expect(200);
    expect(await whitelisted('127.0.0.1')).toHaveLength(1);
    await redeem(token, '::ffff:198.51.100.9').expect(200);
    expect(await whitelisted('198.51.100.9')).toHaveLength(1);
  });

  it('stores IPv6 addresses in canonical form', async () => {
    await redeem(await t.services.whitelink.issue(60), '2001:DB8:0:0::7').expect(200);
    expect(await whitelisted('2001:db8::7')).toHaveLength(1);
  });

  it('the same IP twice is 422 value.taken; the token stays usable for another IP (Barong parity)', async () => {
    const token = await t.services.whitelink.issue(60);
    await redeem(token, '198.51.100.1').expect(200);
    expect((await redeem(token, '198.51.100.1').expect(422)).body).toEqual({ errors: ['value.taken'] });
    await redeem(token, '198.51.100.2').expect(200);
    expect(await whitelisted('198.51.100.1')).toHaveLength(1);
  });

  it('an unknown, malformed or expired token is 422 identity.user.access.invalid_token', async () => {
    const invalid = { errors: ['identity.user.access.invalid_token'] };
    expect((await redeem('f'.repeat(64), '198.51.100.10').expect(422)).body).toEqual(invalid);
    expect((await redeem('not a token', '198.51.100.10').expect(422)).body).toEqual(invalid);
    const shortLived = await t.services.whitelink.issue(1);
    await sleep(1_100);
    expect((await redeem(shortLived, '198.51.100.10').expect(422)).body).toEqual(invalid);
    expect(await whitelisted('198.51.100.10')).toHaveLength(0);
  });

  it('keeps the token in Redis under the deployment prefix, with its TTL', async () => {
    const token = await t.services.whitelink.issue(120);
    const key = `${t.config.redisPrefix}whitelink:${token}`;
    expect(await t.services.redis.get(key)).toBe('active');
    const ttl = await t.services.redis.ttl(key);
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(120);
  });

  it('a missing token is a 400 with Barong keys', async () => {
    const res = await request(t.app).post(ACCESS).type('form').send({}).expect(400);
    expect(res.body).toEqual({
      errors: ['identity.user.missing_whitelink_token', 'identity.user.empty_whitelink_token'],
    });
  });
});

describe('npm run whitelink (npm run cli -- whitelink)', () => {
  const run = (args: string[]) => npmRun(t, 'whitelink', args);

  it('issue --hours 1 prints a token the endpoint accepts, valid for an hour', async () => {
    const { code, stdout } = await run(['issue', '--hours', '1']);
    expect(code).toBe(0);
    const token = stdout.trim();
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    const ttl = await t.services.redis.ttl(`${t.config.redisPrefix}whitelink:${token}`);
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThanOrEqual(3600);
    await redeem(token, '192.0.2.44').expect(200);
    expect(await whitelisted('192.0.2.44')).toHaveLength(1);
  }, 60_000);

  it('refuses a bad command line with exit code 2', async () => {
    expect(await run(['issue', '--hours', '-1'])).toMatchObject({ code: 2, stderr: expect.stringContaining('usage:') });
  }, 60_000);
});
