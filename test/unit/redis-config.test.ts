import { describe, expect, it } from 'vitest';
import type { ConfigError } from '../../src/config/index.js';
import { loadConfig } from '../../src/config/index.js';
import { RedisKeys } from '../../src/lib/redis.js';

const base = { NODE_ENV: 'test' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig({ ...base, ...env });
    return [];
  } catch (err) {
    return (err as ConfigError).problems;
  }
}

describe('Redis settings: one server, a cluster or Sentinels', () => {
  it('is one server by default, and REDIS_URL or Barong spelling names it', () => {
    expect(loadConfig(base).redis).toEqual({ kind: 'single', url: 'redis://127.0.0.1:6379/1' });
    expect(loadConfig({ ...base, BARONG_REDIS_URL: 'redis://cache:6380/2' }).redis).toEqual({
      kind: 'single',
      url: 'redis://cache:6380/2',
    });
  });

  it('reads a cluster from REDIS_CLUSTER_NODES, with credentials', () => {
    const c = loadConfig({
      ...base,
      REDIS_CLUSTER_NODES: ' 10.0.0.1:7000, redis-b:7001 ,[::1]:7002',
      REDIS_USERNAME: 'barong',
      REDIS_PASSWORD: 'pw',
    });
    expect(c.redis).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: 'redis-b', port: 7001 },
        { host: '::1', port: 7002 },
      ],
      username: 'barong',
      password: 'pw',
    });
  });

  it('reads Sentinels with the master name, passwords and database', () => {
    const c = loadConfig({
      ...base,
      REDIS_SENTINELS: 's1:26379,s2:26379',
      REDIS_SENTINEL_NAME: 'barong-master',
      REDIS_SENTINEL_PASSWORD: 'sentinel-pw',
      REDIS_PASSWORD: 'pw',
      REDIS_SENTINEL_DB: '3',
    });
    expect(c.redis).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26379 },
        { host: 's2', port: 26379 },
      ],
      name: 'barong-master',
      username: undefined,
      password: 'pw',
      sentinelPassword: 'sentinel-pw',
      db: 3,
    });
  });

  it('refuses two ways at once, a Sentinel setup without its name, settings nobody reads and entries that are not host:port', () => {
    expect(problems({ REDIS_URL: 'redis://a:6379', REDIS_CLUSTER_NODES: 'b:7000' })).toEqual([
      'Redis: set only one of REDIS_URL, REDIS_CLUSTER_NODES',
    ]);
    expect(problems({ REDIS_CLUSTER_NODES: 'b:7000', REDIS_SENTINELS: 's:26379', REDIS_SENTINEL_NAME: 'm' })).toEqual([
      'Redis: set only one of REDIS_CLUSTER_NODES, REDIS_SENTINELS',
    ]);
    expect(problems({ REDIS_SENTINELS: 's:26379' })).toEqual(['REDIS_SENTINEL_NAME: required with REDIS_SENTINELS']);
    expect(
      problems({ REDIS_SENTINEL_NAME: 'm', REDIS_SENTINEL_PASSWORD: 'pw', REDIS_CLUSTER_NODES: 'b:7000' }),
    ).toEqual(['REDIS_SENTINEL_NAME: only with REDIS_SENTINELS', 'REDIS_SENTINEL_PASSWORD: only with REDIS_SENTINELS']);
    expect(problems({ REDIS_USERNAME: 'u', REDIS_PASSWORD: 'pw' })).toEqual([
      'REDIS_USERNAME: only with REDIS_CLUSTER_NODES or REDIS_SENTINELS (REDIS_URL carries its own)',
      'REDIS_PASSWORD: only with REDIS_CLUSTER_NODES or REDIS_SENTINELS (REDIS_URL carries its own)',
    ]);
    expect(problems({ REDIS_CLUSTER_NODES: 'b,c:99999' })).toEqual([
      'REDIS_CLUSTER_NODES: "b" is not host:port',
      'REDIS_CLUSTER_NODES: "c:99999" is not host:port',
    ]);
  });

  it('refuses braces in the key prefix, which would move keys between cluster slots', () => {
    expect(problems({ BARONG_REDIS_PREFIX: 'x{y}:' })).toEqual([
      'BARONG_REDIS_PREFIX: must not contain { or } (they would change how keys hash in a Redis Cluster)',
    ]);
  });

  it('tags the keys read together, after the prefix, so they share a slot', () => {
    const keys = new RedisKeys('barong:');
    expect(keys.tagged('gateway', 'session', 'abc')).toBe('barong:{gateway}:session:abc');
    expect(keys.key('authz', 'nonce', 'k')).toBe('barong:authz:nonce:k');
  });
});
