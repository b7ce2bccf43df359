import { defineArea } from './area.js';
import { int, list, optional, str } from './values.js';

export interface RedisNode {
  host: string;
  port: number;
}

/**
 * Where Redis is: one server (a URL), a Redis Cluster (some of its nodes; the client learns the rest), or a master
 * that Sentinels name. Every process (API, worker, CLI) connects the same way (src/lib/redis.ts).
 */
export type RedisTarget =
  | { kind: 'single'; url: string }
  | { kind: 'cluster'; nodes: RedisNode[]; username?: string; password?: string }
  | {
      kind: 'sentinel';
      sentinels: RedisNode[];
      /** The master's name in the Sentinels' configuration (`sentinel monitor <name> …`). */
      name: string;
      username?: string;
      password?: string;
      sentinelPassword?: string;
      db: number;
    };

export interface RedisSettings {
  redis: RedisTarget;
  /** Prepended to every Redis key this server writes, so several deployments (or test runs) can share one Redis. */
  redisPrefix: string;
}

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379/1';

/** `host:port` entries; each one that is not names itself in `problems`. */
function nodesOf(name: string, entries: string[], problems: string[]): RedisNode[] {
  return entries.flatMap((entry) => {
    const match = /^(.+):(\d{1,5})$/.exec(entry);
    const port = match ? Number(match[2]) : 0;
    if (!match || port < 1 || port > 65535) {
      problems.push(`${name}: "${entry}" is not host:port`);
      return [];
    }
    return [{ host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port }];
  });
}

export const redis = defineArea({
  title: 'Redis',
  secrets: ['REDIS_URL', 'BARONG_REDIS_URL', 'REDIS_PASSWORD', 'REDIS_SENTINEL_PASSWORD'],
  shape: {
    REDIS_URL: optional.meta({
      description: 'Redis server (one server; see the cluster and Sentinel settings below for the others)',
      values: '`redis://host:port/db`',
      default: `\`${DEFAULT_REDIS_URL}\``,
    }),
    BARONG_REDIS_URL: optional.meta({
      description: "Barong's spelling of `REDIS_URL`, read when that is unset",
      values: '`redis://host:port/db`',
    }),
    REDIS_CLUSTER_NODES: list('').meta({
      description:
        'a Redis Cluster instead of one server: some of its masters (the client learns the others); excludes `REDIS_URL` and `REDIS_SENTINELS`',
      values: '`host:port,host:port,…`',
      default: '—',
    }),
    REDIS_SENTINELS: list('').meta({
      description:
        'Redis Sentinels that name the master to use (`REDIS_SENTINEL_NAME`) and fail over to a replica; excludes `REDIS_URL` and `REDIS_CLUSTER_NODES`',
      values: '`host:port,host:port,…`',
      default: '—',
    }),
    REDIS_SENTINEL_NAME: optional.describe(
      "the master's name in the Sentinels' configuration (with `REDIS_SENTINELS`)",
    ),
    REDIS_SENTINEL_PASSWORD: optional.describe('password of the Sentinels themselves (with `REDIS_SENTINELS`)'),
    REDIS_SENTINEL_DB: int(0).describe('database number on the master the Sentinels name'),
    REDIS_USERNAME: optional.describe("ACL user of the cluster nodes or the Sentinels' master (Redis 6+)"),
    REDIS_PASSWORD: optional.describe(
      "password of the cluster nodes or the Sentinels' master (`REDIS_URL` carries its own)",
    ),
    BARONG_REDIS_PREFIX: str('barong:')
      .refine((v) => !/[{}]/.test(v), {
        message: 'must not contain { or } (they would change how keys hash in a Redis Cluster)',
      })
      .describe('prefix of every Redis key this server writes'),
  },
  read(e, { problems }): RedisSettings {
    const url = e.REDIS_URL ?? e.BARONG_REDIS_URL;
    const modes = [
      url && 'REDIS_URL',
      e.REDIS_CLUSTER_NODES.length && 'REDIS_CLUSTER_NODES',
      e.REDIS_SENTINELS.length && 'REDIS_SENTINELS',
    ];
    const given = modes.filter(Boolean);
    if (given.length > 1) problems.push(`Redis: set only one of ${given.join(', ')}`);
    const credentials = { username: e.REDIS_USERNAME, password: e.REDIS_PASSWORD };
    let target: RedisTarget = { kind: 'single', url: url ?? DEFAULT_REDIS_URL };
    if (e.REDIS_CLUSTER_NODES.length) {
      target = {
        kind: 'cluster',
        nodes: nodesOf('REDIS_CLUSTER_NODES', e.REDIS_CLUSTER_NODES, problems),
        ...credentials,
      };
    } else if (e.REDIS_SENTINELS.length) {
      if (!e.REDIS_SENTINEL_NAME) problems.push('REDIS_SENTINEL_NAME: required with REDIS_SENTINELS');
      target = {
        kind: 'sentinel',
        sentinels: nodesOf('REDIS_SENTINELS', e.REDIS_SENTINELS, problems),
        name: e.REDIS_SENTINEL_NAME ?? '',
        ...credentials,
        sentinelPassword: e.REDIS_SENTINEL_PASSWORD,
        db: e.REDIS_SENTINEL_DB,
      };
    }
    // Set but unread would leave a deployment believing it uses them.
    const sentinelOnly = {
      REDIS_SENTINEL_NAME: e.REDIS_SENTINEL_NAME,
      REDIS_SENTINEL_PASSWORD: e.REDIS_SENTINEL_PASSWORD,
    };
    for (const [name, value] of Object.entries(sentinelOnly)) {
      if (value && !e.REDIS_SENTINELS.length) problems.push(`${name}: only with REDIS_SENTINELS`);
    }
    for (const [name, value] of Object.entries(credentials)) {
      const setting = `REDIS_${name.toUpperCase()}`;
      if (value && target.kind === 'single') {
        problems.push(`${setting}: only with REDIS_CLUSTER_NODES or REDIS_SENTINELS (REDIS_URL carries its own)`);
      }
    }
    return { redis: target, redisPrefix: e.BARONG_REDIS_PREFIX };
  },
});
