/**
 * The mail benchmark's worker-alone mode (BENCH_WORKER_ONLY=1): what the worker process itself sends, without the
 * API and the relay in front of it. Puts `count` confirmation mails straight on the `mail` queue of a fresh
 * database's prefix, starts the worker process (`jobs/main.ts`) and times it until the SMTP server has them all.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../src/config/index.js';
import { Encryptor } from '../../src/lib/encryptor.js';
import { createMailQueue } from '../../src/queues/mail-queue.js';
import { createTestDatabase } from '../support/database.js';
import { deleteKeysWithPrefix } from '../support/redis.js';
import { createRedis } from '../../src/lib/redis.js';
import type { MailArrivals } from './mail-arrivals.js';

export interface DrainResult {
  seconds: number;
  /** ms from the worker's start to each mail's arrival */
  arrivals: number[];
  lost: number;
  duplicates: number;
}

export async function drainWithWorker(smtp: MailArrivals, count: number, graceS: number): Promise<DrainResult> {
  const db = await createTestDatabase();
  await db.knex.destroy();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATABASE_NAME: db.name,
    BARONG_REDIS_PREFIX: `bench:${db.name}:`,
    BARONG_DEV_KEY_PATH: '.dev/test-rsa-key.pem',
    BARONG_SMTP_HOST: '127.0.0.1',
    BARONG_SMTP_PORT: String(smtp.port),
  };
  const config = loadConfig(env);
  const queue = createMailQueue(
    { redis: config.redis, prefix: config.redisPrefix },
    new Encryptor(config.encryptionKeys, config.blindIndexKeys),
  );
  const emails = Array.from({ length: count }, (_, i) => `drain-${i}@example.com`);
  for (const [i, to] of emails.entries())
    await queue.enqueue({
      template: 'email_confirmation',
      to,
      language: 'en',
      data: { token: `token-${i}` },
      idempotencyKey: `email_confirmation:drain-${i}`,
    });
  const worker = spawn(process.execPath, ['--import', 'tsx', 'jobs/main.ts'], { stdio: 'inherit', env });
  try {
    // From the first mail: the worker's own start-up (tsx, templates, connections) is not its sending rate.
    while (!smtp.arrivals.has(emails[0]!)) await sleep(10);
    const started = smtp.arrivals.get(emails[0]!)![0]!;
    const deadline = performance.now() + graceS * 1000;
    while (performance.now() < deadline && emails.some((e) => !smtp.arrivals.has(e))) await sleep(20);
    const arrivals = emails.flatMap((e) => smtp.arrivals.get(e) ?? []).map((t) => t - started);
    return {
      seconds: Math.max(...arrivals) / 1000,
      arrivals,
      lost: emails.filter((e) => !smtp.arrivals.has(e)).length,
      duplicates: emails.reduce((n, e) => n + Math.max(0, (smtp.arrivals.get(e)?.length ?? 0) - 1), 0),
    };
  } finally {
    if (worker.exitCode === null) {
      worker.kill('SIGTERM');
      await once(worker, 'exit');
    }
    await queue.close();
    const redis = createRedis(config.redis, 'mail-bench-cleanup');
    await deleteKeysWithPrefix(redis, config.redisPrefix);
    await redis.quit();
    await db.destroy();
  }
}
