/**
 * What the queue pipeline tests (mail, SMS) share: a Redis key prefix of the file's own, removed at the end; a
 * logger whose lines the test reads; and pipelines, each a producer queue (what the API holds) and a worker on a
 * second queue object of the same name (what jobs/main.ts runs), on a queue name no other test of the file uses.
 * Everything a test starts is stopped after it, so a worker of one test never takes another test's jobs.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { RedisTarget } from '../../src/config/redis.js';
import { createRedis, type RedisClient } from '../../src/lib/redis.js';
import { pino, type Logger } from 'pino';
import { createQueue, type CreateQueueOptions, type Queue } from '../../src/queues/create-queue.js';
import { deleteKeysWithPrefix } from './redis.js';

export interface Pipeline<J, W> {
  producer: Queue<J>;
  worker: W;
}

export interface QueueBench {
  readonly prefix: string;
  /** Logs at info, as a deployment does; every line lands in `logLines` (parsed) and `rawLog` (as written). */
  readonly logger: Logger;
  readonly logLines: Array<Record<string, unknown>>;
  readonly rawLog: string[];
  /** Connects to Redis; the client it answers stays open until `close`. */
  open(target: RedisTarget): RedisClient;
  queueName(): string;
  /** Runs `stop` when the test ends. */
  afterTest(stop: () => Promise<void> | void): void;
  /** `stopAlso` runs after the worker and the producer have closed (a mail transport, say). */
  startPipeline<J, W extends { close(): Promise<void> }>(
    options: Partial<CreateQueueOptions>,
    startWorker: (queue: Queue<J>) => W,
    stopAlso?: () => void,
  ): Pipeline<J, W>;
  /** Stops what the test started (an afterEach). */
  endTest(): Promise<void>;
  /** Removes the bench's keys and closes its client (an afterAll). */
  close(): Promise<void>;
}

export function queueBench(kind: string): QueueBench {
  const prefix = `test:${kind}:${randomUUID().slice(0, 8)}:`;
  const logLines: Array<Record<string, unknown>> = [];
  const rawLog: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      rawLog.push(chunk.toString());
      logLines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const stops: Array<() => Promise<void> | void> = [];
  let target: RedisTarget | undefined;
  let redis: RedisClient | undefined;
  let queueNumber = 0;

  function startPipeline<J, W extends { close(): Promise<void> }>(
    options: Partial<CreateQueueOptions>,
    startWorker: (queue: Queue<J>) => W,
    stopAlso?: () => void,
  ): Pipeline<J, W> {
    const name = bench.queueName();
    const queueOptions = { redis: target!, prefix, backoffDelayMs: 50, ...options };
    const producer = createQueue<J>(name, queueOptions);
    const worker = startWorker(createQueue<J>(name, queueOptions));
    stops.push(async () => {
      await worker.close();
      await producer.close();
      stopAlso?.();
    });
    return { producer, worker };
  }

  const bench: QueueBench = {
    prefix,
    logger: pino({ level: 'info' }, sink),
    logLines,
    rawLog,
    open(to) {
      target = to;
      redis = createRedis(to, 'queue-bench');
      return redis;
    },
    queueName: () => `${kind}-${++queueNumber}`,
    afterTest: (stop) => void stops.push(stop),
    startPipeline,
    async endTest() {
      await Promise.all(stops.splice(0).map((stop) => stop()));
    },
    async close() {
      if (!redis) return;
      await deleteKeysWithPrefix(redis, prefix);
      await redis.quit();
    },
  };
  return bench;
}
