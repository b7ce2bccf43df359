import type { Redis } from 'ioredis';

/** Deletes every key under `prefix` (SCAN, so a big shared Redis is never blocked by KEYS). */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (batch.length) await redis.del(...batch);
  } while (cursor !== '0');
}
