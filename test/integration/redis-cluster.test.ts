/**
 * The API and the worker on a three-master Redis Cluster on loopback ports (REDIS_CLUSTER_NODES): sign-up and its
 * mail, login, the gateway with a session and with an API key, ending sessions, and the lockout
 * (test/support/redis-journey.ts). A multi-key command across slots would fail here with CROSSSLOT.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from 'ioredis';
import { startTestApp, type TestApp } from '../support/app.js';
import { startMailHarness, type MailHarness } from '../support/mail.js';
import { startRedisCluster, type RedisTopology } from '../support/redis-servers.js';
import { JOURNEY_LOGIN_ATTEMPTS, redisJourney } from '../support/redis-journey.js';

let cluster: RedisTopology | undefined;
let t: TestApp | undefined;
let mail: MailHarness | undefined;

beforeAll(async () => {
  cluster = await startRedisCluster(3);
  t = await startTestApp({
    REDIS_URL: '',
    REDIS_CLUSTER_NODES: cluster.nodes,
    BARONG_LOGIN_MAX_ATTEMPTS: String(JOURNEY_LOGIN_ATTEMPTS),
  });
  mail = await startMailHarness(t);
}, 120_000);

afterAll(async () => {
  await mail?.stop();
  await t?.close();
  await cluster?.stop();
}, 60_000);

describe('on a Redis Cluster', () => {
  it('talks to the cluster, whose three masters share the slots', async () => {
    expect(t!.services.redis).toBeInstanceOf(Cluster);
    expect((t!.services.redis as Cluster).nodes('master')).toHaveLength(3);
  });

  redisJourney(() => ({ t: t!, mail: mail! }));
});
