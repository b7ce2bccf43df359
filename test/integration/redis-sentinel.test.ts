/**
 * The API and the worker on a Redis master found through a Sentinel (REDIS_SENTINELS + REDIS_SENTINEL_NAME): the
 * same journey as on a cluster (test/support/redis-journey.ts), every connection asking the Sentinel for the master.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { startTestApp, type TestApp } from '../support/app.js';
import { startMailHarness, type MailHarness } from '../support/mail.js';
import { startRedisSentinel, type RedisTopology } from '../support/redis-servers.js';
import { JOURNEY_LOGIN_ATTEMPTS, redisJourney } from '../support/redis-journey.js';

const MASTER_NAME = 'barong-test';
let sentinel: (RedisTopology & { masterPort: number }) | undefined;
let t: TestApp | undefined;
let mail: MailHarness | undefined;

beforeAll(async () => {
  sentinel = await startRedisSentinel(MASTER_NAME);
  t = await startTestApp({
    REDIS_URL: '',
    REDIS_SENTINELS: sentinel.nodes,
    REDIS_SENTINEL_NAME: MASTER_NAME,
    BARONG_LOGIN_MAX_ATTEMPTS: String(JOURNEY_LOGIN_ATTEMPTS),
  });
  mail = await startMailHarness(t);
}, 120_000);

afterAll(async () => {
  await mail?.stop();
  await t?.close();
  await sentinel?.stop();
}, 60_000);

describe('on a master named by a Sentinel', () => {
  it('reaches the master the Sentinel names', async () => {
    const redis = t!.services.redis as Redis;
    expect(redis.options.sentinels).toEqual([{ host: '127.0.0.1', port: Number(sentinel!.nodes.split(':')[1]) }]);
    await redis.set(`${t!.config.redisPrefix}probe`, '1', 'EX', 60);
    const master = new Redis(sentinel!.masterPort, '127.0.0.1');
    try {
      expect(await master.get(`${t!.config.redisPrefix}probe`)).toBe('1');
    } finally {
      master.disconnect();
    }
  });

  redisJourney(() => ({ t: t!, mail: mail! }));
});
