/**
 * `npm run bench:timing` (security case 1): how long the server takes to answer for a registered e-mail and for
 * one that belongs to nobody, for a wrong login, a reset link request and a confirmation link request. The tests
 * prove the two do the same work (test/integration/identity-timing.test.ts); this shows what the clock says.
 *
 * Starts, on loopback: a fresh migrated and seeded database with an active and a pending user, and the API as a
 * child process (`node --import tsx src/main.ts`, NODE_ENV=development, production argon2id parameters, limits
 * raised so no request is throttled). Then sends the requests one at a time, alternating known and unknown
 * e-mails (so drift on this shared machine hits both alike), after a warm-up, and prints the medians.
 *
 * Settings (environment): BENCH_TIMING_SAMPLES (per e-mail and operation, default 60). Nothing here asserts.
 */
import { performance } from 'node:perf_hooks';
import { runBench, withBenchServer } from './bench-server.js';
import { createBenchUsers } from './bench-users.js';

const SAMPLES = Number(process.env.BENCH_TIMING_SAMPLES ?? 60);
const API = '/api/v2/barong/identity';

async function createUsers(env: NodeJS.ProcessEnv): Promise<{ active: string; pending: string }> {
  const [active, pending] = await createBenchUsers(env, [
    { email: 'bench.known@example.com', state: 'active' },
    { email: 'bench.pending@example.com', state: 'pending' },
  ]);
  return { active: active!, pending: pending! };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function timed(url: string, body: Record<string, string>, expected: number): Promise<number> {
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'User-Agent': 'barong-bench/1.0' },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  const elapsed = performance.now() - started;
  if (res.status !== expected) throw new Error(`${url}: expected ${expected}, got ${res.status}`);
  return elapsed;
}

interface Operation {
  name: string;
  path: string;
  status: number;
  body(email: string): Record<string, string>;
  known: string;
}

async function main(): Promise<void> {
  const overrides = {
    BARONG_FIRST_REGISTRATION_SUPERADMIN: 'false',
    BARONG_LOGIN_MAX_ATTEMPTS: '1000000',
    BARONG_LOGIN_MAX_ATTEMPTS_PER_IP: '1000000',
    BARONG_CODE_REQUESTS_MAX: '1000000',
    BARONG_CODE_REQUESTS_MAX_PER_IP: '1000000',
  };
  await withBenchServer(overrides, createUsers, async ({ base }, users) => {
    const operations: Operation[] = [
      {
        name: 'login, wrong password',
        path: '/sessions',
        status: 401,
        body: (email) => ({ email, password: 'Wrong-Password-1' }),
        known: users.active,
      },
      {
        name: 'reset link request',
        path: '/users/password/generate_code',
        status: 201,
        body: (email) => ({ email }),
        known: users.active,
      },
      {
        name: 'confirmation link request',
        path: '/users/email/generate_code',
        status: 201,
        body: (email) => ({ email }),
        known: users.pending,
      },
    ];
    console.log(
      `timing benchmark: ${SAMPLES} requests per e-mail and operation, one at a time, known and unknown alternating`,
    );
    console.log('operation                   known p50 ms  unknown p50 ms  difference');
    let n = 0;
    for (const op of operations) {
      const known: number[] = [];
      const unknown: number[] = [];
      const url = `${base}${API}${op.path}`;
      for (let i = 0; i < 5; i++) await timed(url, op.body(op.known), op.status); // warm-up
      for (let i = 0; i < SAMPLES; i++) {
        known.push(await timed(url, op.body(op.known), op.status));
        unknown.push(await timed(url, op.body(`nobody.${++n}@example.com`), op.status));
      }
      const k = median(known);
      const u = median(unknown);
      const diff = k - u;
      console.log(
        `${op.name.padEnd(26)}  ${k.toFixed(2).padStart(12)}  ${u.toFixed(2).padStart(14)}  ${diff >= 0 ? '+' : ''}${diff.toFixed(2)} ms (${((diff / u) * 100).toFixed(1)} %)`,
      );
    }
  });
}

runBench(main);
