/**
 * The one place Redis connections are made: one server, a Redis Cluster or a Sentinel-managed master
 * (config.redis), so every process and every connection (commands, subscribers, Bull's) reaches the same Redis.
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisTarget } from '../config/redis.js';

/** What the app talks to: ioredis' Cluster shares Redis' commands, transactions, scripts and pub/sub. */
export type RedisClient = Redis | Cluster;

export interface ConnectionOptions {
  /** Shown by CLIENT LIST. */
  name: string;
  /** Over the defaults (a command gives up after two reconnections); on a cluster, for each node's connection. */
  overrides?: Partial<RedisOptions>;
}

/**
 * While Redis is out of reach a command waits for two reconnections (200 ms, then 400 ms … at most 1 s apart) and
 * then gives up: a request that needs Redis (sessions, the gateway, rate limits) is answered 503 within about 2 s
 * instead of waiting through ioredis' growing delays (up to 2 s each). A Sentinel or Cluster failover still gets
 * more patience than ioredis' defaults (3 retries, 50-150 ms) gave it. Bull's blocking connections keep retrying
 * forever (BLOCKING).
 */
const MAX_RETRIES_PER_REQUEST = 2;
const RECONNECT_DELAY_MAX_MS = 1000;
const reconnectDelay = (times: number) => Math.min(times * 200, RECONNECT_DELAY_MAX_MS);

/**
 * How ioredis rejects a command when it cannot reach the server (the socket's own errors, ECONNREFUSED and the like,
 * are 'error' events, not rejections), as opposed to a command Redis refused.
 */
const UNAVAILABLE_MESSAGES = /^(Connection is closed|Stream isn't writeable|Reached the max retries per request limit)/;

/** True when `err` (or an error it was caused by) says Redis is out of reach. */
export function isRedisUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e.name === 'MaxRetriesPerRequestError' || UNAVAILABLE_MESSAGES.test(e.message)) return true;
  }
  return false;
}

/** Bull's subscriber and blocking connections: Bull refuses ones that retry commands or run a ready check. */
export const BLOCKING: Partial<RedisOptions> = { maxRetriesPerRequest: null, enableReadyCheck: false };

/**
 * A connection to `target`. Keys are prefixed explicitly (`RedisKeys`), not with ioredis' `keyPrefix`, because
 * Bull and rate-limiter-flexible manage their own prefixes and break under a client-side one.
 */
export function createRedis(target: RedisTarget, options: ConnectionOptions | string = 'barong'): RedisClient {
  const { name, overrides = {} } = typeof options === 'string' ? { name: options } : options;
  const common: RedisOptions = {
    connectionName: name,
    maxRetriesPerRequest: MAX_RETRIES_PER_REQUEST,
    retryStrategy: reconnectDelay,
    ...overrides,
  };
  switch (target.kind) {
    case 'single':
      return new Redis(target.url, common);
    case 'sentinel':
      return new Redis({
        ...common,
        sentinels: target.sentinels,
        name: target.name,
        username: target.username,
        password: target.password,
        sentinelPassword: target.sentinelPassword,
        db: target.db,
      });
    case 'cluster': {
      const { enableReadyCheck, ...nodeOptions } = common;
      const options: ClusterOptions = {
        redisOptions: { ...nodeOptions, username: target.username, password: target.password },
        // The Cluster's own ready check (cluster_state:ok), which Bull's blocking connections must not have.
        enableReadyCheck: enableReadyCheck ?? true,
      };
      return new Cluster(target.nodes, options);
    }
  }
}

/** A new connection like `redis` (a subscriber: a subscribed connection can do nothing else), named `name`. */
export function duplicateRedis(redis: RedisClient, name: string): RedisClient {
  if (!isCluster(redis)) return redis.duplicate({ connectionName: name });
  return redis.duplicate(undefined, { redisOptions: { ...redis.options.redisOptions, connectionName: name } });
}

export const isCluster = (redis: RedisClient): redis is Cluster => redis instanceof Cluster;

/**
 * Every key matching `pattern`, in batches, by SCAN (never KEYS, so Redis keeps serving): on a cluster, on every
 * master, since each holds its own slots.
 */
export async function* scanKeys(redis: RedisClient, pattern: string, count = 500): AsyncGenerator<string[]> {
  // A cluster knows its masters once it has loaded the slots: a first command waits for that.
  if (isCluster(redis) && redis.status !== 'ready') await redis.ping();
  const nodes = isCluster(redis) ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    for await (const batch of node.scanStream({ match: pattern, count })) {
      const keys = batch as string[];
      if (keys.length) yield keys;
    }
  }
}

/**
 * Every Redis key this server writes, under the deployment's prefix (`BARONG_REDIS_PREFIX`).
 *
 * `tagged` keys carry a Redis Cluster hash tag (`{gateway}`): every key with one tag is in one slot, so a MULTI, a
 * script or an MGET over several of them works on a cluster. The gateway's keys (sessions, their per-user index,
 * the authorizer's records and counters, the set of API key ids) share one, since the authorizer reads a session
 * and its user's record, or an API key and its holder's record, in one script. The attempt limiters' counters share
 * another (`{attempts}`): one script spends an account's and an IP's (src/domain/sessions/attempt-counters.ts).
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}
  key(...parts: string[]): string {
    return this.prefix + parts.join(':');
  }
  tagged(tag: HashTag, ...parts: string[]): string {
    return this.key(`{${tag}}`, ...parts);
  }
}

/** The hash tags in use; see RedisKeys.tagged. */
export type HashTag = 'gateway' | 'attempts';

export type { Redis, Cluster };
