/**
 * The API and the worker on a three-master Redis Cluster on loopback ports (REDIS_CLUSTER_NODES): sign-up and its
 * mail, login, the gateway with a session and with an API key, ending sessions, and the lockout
 * (test/support/redis-journey.ts). A multi-key command across slots would fail here with CROSSSLOT.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { Cluster, Redis } from 'ioredis';
import { startTestApp, type TestApp } from '../support/app.js';
import { BROWSER, login } from '../support/account-client.js';
import { activeUser } from '../support/factories.js';
import { monitorRedis, type RedisMonitor } from '../support/redis-monitor.js';
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

  it("checks a session at the gateway in one round trip: one script, on the slot of the session and its user's record", async () => {
    const user = await activeUser(t!);
    const s = await login(t!, user);
    const gateway = () =>
      request(t!.app)
        .get('/api/v2/barong/auth/api/v2/peatio/account/balances')
        .set('User-Agent', BROWSER)
        .set('Cookie', s.cookie)
        .expect(200);
    await gateway(); // fills the user's record
    expect(await commandsOnEveryMaster(gateway)).toEqual(['eval']);
  });

  redisJourney(() => ({ t: t!, mail: mail! }));
});

/**
 * The commands the API's Redis connections (named `barong`; the worker's have names of their own) sent to the
 * cluster's masters while `work` ran: MONITOR on each, EVALSHA counted as EVAL, what a script runs inside left out.
 * A marker sent to every master afterwards says when each monitor has caught up.
 */
async function commandsOnEveryMaster(work: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const marker = `trace-end-${Math.random()}`;
  const monitors: RedisMonitor[] = [];
  const nodes = cluster!.ports.map((port) => new Redis(port, '127.0.0.1'));
  try {
    const api = new Set<string>();
    for (const node of nodes) {
      const clients = (await node.client('LIST')) as string;
      for (const m of clients.matchAll(/\baddr=(\S+) .*\bname=barong\b /g)) api.add(m[1]!);
    }
    expect(api.size).toBeGreaterThan(0);
    for (const port of cluster!.ports) {
      const monitor = await monitorRedis(['-h', '127.0.0.1', '-p', String(port)], ({ args, source }) => {
        if (api.has(source)) seen.push(args[0]!.toLowerCase().replace(/^evalsha$/, 'eval'));
      });
      monitors.push(monitor);
    }
    await work();
    await Promise.all(nodes.map((node) => node.echo(marker)));
    await Promise.all(monitors.map((monitor) => monitor.seen(marker)));
  } finally {
    monitors.forEach((monitor) => monitor.stop());
    nodes.forEach((node) => node.disconnect());
  }
  return seen;
}
