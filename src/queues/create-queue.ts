/**
 * The one place Bull queues are made, so every queue (mail now, SMS later) gets the same defaults and the
 * same Redis wiring. Producers and workers both call createQueue; only src/queues/ and jobs/ import Bull.
 */
import Bull from 'bull';
import type { RedisTarget } from '../config/redis.js';
import { BLOCKING, createRedis, type RedisClient } from '../lib/redis.js';

export type Queue<T = unknown> = Bull.Queue<T>;
export type Job<T = unknown> = Bull.Job<T>;

export interface CreateQueueOptions {
  redis: RedisTarget;
  /**
   * The deployment's key prefix (config.redisPrefix, e.g. `barong:`); Bull's keys live under `${prefix}{bull}:`, one
   * Redis Cluster hash tag for all of them, since Bull's scripts move jobs between a queue's keys.
   */
  prefix: string;
  /** Tries per job, counting the first. Default 5. */
  attempts?: number;
  /** First retry delay; each later one doubles (Bull's `exponential`). Default 2000 ms → 2, 4, 8, 16 s. */
  backoffDelayMs?: number;
  /** Lock and stalled-check tuning; Bull's defaults (30 s / 30 s / 1) unless given. */
  settings?: Pick<Bull.AdvancedSettings, 'lockDuration' | 'stalledInterval' | 'maxStalledCount'>;
  /**
   * Jobs started per second by all workers of this queue together (Bull's limiter, counted in Redis), for a
   * provider's sending rate; a job over the limit waits in the delayed set. 0 or unset: no limit. Only the
   * workers' queue needs it; producers ignore it.
   */
  ratePerSecond?: number;
}

export const QUEUE_DEFAULTS = {
  attempts: 5,
  backoffDelayMs: 2000,
  keepCompleted: 1000,
  // Enough to look at and retry what failed during an outage, without a broken provider filling Redis.
  keepFailed: { count: 5000, age: 14 * 24 * 3600 },
} as const;

/**
 * Connections shared by every queue on one Redis, as Bull's "reusing Redis connections" guide recommends:
 * one command client and one subscriber per process, plus one blocking client per queue (it cannot be shared).
 * Bull does not close connections it got from `createClient`, so queues count their users and the last
 * queue to close quits them.
 */
interface SharedConnections {
  client: RedisClient;
  /** Made on first use: a producer that never listens to queue events does not need it. */
  subscriber?: RedisClient;
  users: number;
}
const shared = new Map<string, SharedConnections>();

function acquire(target: RedisTarget): SharedConnections {
  const id = JSON.stringify(target);
  let conns = shared.get(id);
  if (!conns) {
    conns = {
      // Never ioredis' `keyPrefix`: Bull does not support it (its docs say so); Bull's own `prefix` separates deployments.
      // ioredis' default of 20 retries, so producers ride out a short outage.
      client: createRedis(target, {
        name: 'barong-queue',
        overrides: { enableReadyCheck: false, maxRetriesPerRequest: 20 },
      }),
      users: 0,
    };
    shared.set(id, conns);
  }
  conns.users += 1;
  return conns;
}

async function release(target: RedisTarget, conns: SharedConnections): Promise<void> {
  conns.users -= 1;
  if (conns.users > 0) return;
  shared.delete(JSON.stringify(target));
  await Promise.allSettled([conns.client, conns.subscriber].map((redis) => redis && quit(redis)));
}

async function quit(redis: RedisClient): Promise<void> {
  if (redis.status === 'end') return;
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}

export function createQueue<T>(name: string, options: CreateQueueOptions): Queue<T> {
  const target = options.redis;
  const conns = acquire(target);
  let blocking: RedisClient | undefined;

  const queue = new Bull<T>(name, {
    prefix: `${options.prefix}{bull}`,
    createClient(type) {
      if (type === 'client') return conns.client;
      if (type === 'subscriber')
        return (conns.subscriber ??= createRedis(target, { name: 'barong-queue-events', overrides: BLOCKING }));
      blocking = createRedis(target, { name: `barong-queue-${name}`, overrides: BLOCKING });
      return blocking;
    },
    defaultJobOptions: {
      attempts: options.attempts ?? QUEUE_DEFAULTS.attempts,
      backoff: { type: 'exponential', delay: options.backoffDelayMs ?? QUEUE_DEFAULTS.backoffDelayMs },
      removeOnComplete: QUEUE_DEFAULTS.keepCompleted,
      // Jobs that used up their attempts stay in the failed set, retryable, until newer failures or their age push
      // them out (Bull trims the set whenever a job fails; age in seconds).
      removeOnFail: { ...QUEUE_DEFAULTS.keepFailed },
    },
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.ratePerSecond ? { limiter: { max: options.ratePerSecond, duration: 1000 } } : {}),
  });

  // queue.close() stops taking jobs and waits for the ones in hand (Bull); then this queue's connections are released.
  const bullClose = queue.close.bind(queue);
  let closing: Promise<void> | undefined;
  queue.close = (doNotWaitJobs?: boolean) =>
    (closing ??= (async () => {
      try {
        await bullClose(doNotWaitJobs);
      } finally {
        if (blocking) await quit(blocking);
        await release(target, conns);
      }
    })());

  return queue;
}
