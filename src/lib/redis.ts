import { Redis } from 'ioredis';

export function createRedis(url: string, keyPrefix: string, name = 'barong'): Redis {
  return new Redis(url, { connectionName: name, keyPrefix, maxRetriesPerRequest: 3, enableAutoPipelining: true });
}
export type { Redis };
