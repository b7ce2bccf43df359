import { scanKeys, type RedisClient } from '../../src/lib/redis.js';

/**
 * Deletes every key under `prefix` (SCAN, so a big shared Redis is never blocked by KEYS; every master of a cluster).
 * One key a command: keys of different slots cannot share one on a cluster.
 */
export async function deleteKeysWithPrefix(redis: RedisClient, prefix: string): Promise<void> {
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
  for await (const batch of scanKeys(redis, pattern, 1000)) {
    await Promise.all(batch.map((key) => redis.unlink(key)));
  }
}
