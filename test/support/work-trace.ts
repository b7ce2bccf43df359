/**
 * What a request does, step by step, in a shape that can be compared between two requests: the SQL it runs (verb
 * and table, in order), the Redis commands under the app's prefix (in order), and the password verifications
 * (argon2 or bcrypt parameters of each digest). Security case 1 compares a known and an unknown e-mail this way,
 * so the test proves "the same work" without timing anything on a noisy machine.
 */
import { vi } from 'vitest';
import type { TestApp } from './app.js';
import { monitorRedis } from './redis-monitor.js';

export interface WorkTrace {
  sql: string[];
  redis: string[];
  hashes: string[];
}

function sqlShape(sql: string): string {
  const text = sql.trim().toLowerCase();
  const verb = text.split(/\s+/)[0] ?? '';
  const table = /(?:from|into|update)\s+`([^`]+)`/.exec(text)?.[1];
  return table ? `${verb} ${table}` : verb.replace(/;$/, '');
}

/** `$argon2id$v=19$m=1024,t=1,p=1$salt$hash` → `$argon2id$v=19$m=1024,t=1,p=1`; bcrypt → `$2b$10`. */
function digestShape(digest: string): string {
  return digest.startsWith('$argon2') ? digest.split('$').slice(0, 4).join('$') : digest.slice(0, 6);
}

/** Runs `work` and records what the app did meanwhile. The Redis monitor sees every client of the server, so only
 * commands naming this app's prefix count. */
export async function traceWork(t: TestApp, work: () => Promise<unknown>): Promise<WorkTrace> {
  const trace: WorkTrace = { sql: [], redis: [], hashes: [] };
  const target = t.config.redis;
  if (target.kind !== 'single') throw new Error('traceWork needs one Redis server (MONITOR)');
  const marker = `trace-end-${Math.random()}`;
  const monitor = await monitorRedis(['-u', target.url], ({ args }) => {
    // EVAL and EVALSHA run the same script (ioredis sends EVAL once, when the server does not know it yet).
    if (args.some((a) => a.includes(t.config.redisPrefix)))
      trace.redis.push(args[0]!.toLowerCase().replace(/^evalsha$/, 'eval'));
  });
  const onQuery = (q: { sql: string }) => trace.sql.push(sqlShape(q.sql));
  t.services.knex.on('query', onQuery);
  const verify = vi.spyOn(t.services.hasher, 'verify');
  try {
    await work();
  } finally {
    t.services.knex.off('query', onQuery);
    for (const [digest] of verify.mock.calls) trace.hashes.push(digestShape(digest));
    verify.mockRestore();
    await t.services.redis.echo(marker);
    await monitor.seen(marker).finally(() => monitor.stop());
  }
  return trace;
}
