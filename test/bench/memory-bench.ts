/**
 * `npm run bench:memory`: the resident memory (RSS) of the compiled API process against the 150 MB target.
 * Builds (`npm run build`), then starts on loopback a fresh migrated and seeded database with one active user and
 * the API as production runs it (`node dist/src/main.js`, NODE_ENV=development, login limits raised). Reads the
 * process's RSS from /proc once it has been idle, every second of a sustained mixed load — autocannon on
 * public/ping beside a loop of logins with the right password (argon2 verification, a session each) — and
 * twice once the load has stopped: after 5 s, and after BENCH_SETTLE s, by when V8's memory reducer has collected
 * the garbage the load left in the heap (it waits for a quiet spell, about half a minute, before it does).
 * Prints the four against the target; nothing here asserts.
 *
 * Settings (environment): BENCH_DURATION (s of load, default 60), BENCH_IDLE (s before the idle reading,
 * default 10), BENCH_CONNECTIONS (autocannon's, default 10), BENCH_LOGIN_LOOPS (concurrent login loops, default 4),
 * BENCH_SETTLE (s after the load for the last reading, default 60),
 * BENCH_SKIP_BUILD=1 to measure the dist/ already there, BENCH_NODE_FLAGS for Node's flags before the script
 * (e.g. `--max-old-space-size=128`, to see what a heap limit costs in speed).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { runBench, withBenchServer } from './bench-server.js';
import { BENCH_PASSWORD, createBenchUsers } from './bench-users.js';

const TARGET_MB = 150;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 60);
const IDLE_S = Number(process.env.BENCH_IDLE ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const LOGIN_LOOPS = Number(process.env.BENCH_LOGIN_LOOPS ?? 4);
const AFTER_S = 5;
const SETTLE_S = Math.max(AFTER_S, Number(process.env.BENCH_SETTLE ?? 60));
const USER_AGENT = 'barong-bench/1.0';
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB$/m);
  if (!line) throw new Error(`no VmRSS for process ${pid}`);
  return Number(line[1]) / 1024;
}

/** Logs in again and again until `until` passes; counts answers by status. */
async function loginLoop(base: string, email: string, until: number, statuses: Map<number, number>): Promise<void> {
  while (Date.now() < until) {
    const res = await fetch(`${base}/api/v2/barong/identity/sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': USER_AGENT },
      body: JSON.stringify({ email, password: BENCH_PASSWORD }),
    });
    await res.arrayBuffer();
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  }
}

async function mixedLoad(
  base: string,
  email: string,
  pid: number,
): Promise<{ peak: number; pings: number; logins: Map<number, number> }> {
  const until = Date.now() + DURATION_S * 1000;
  const logins = new Map<number, number>();
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 1000);
  try {
    const [pings] = await Promise.all([
      autocannon({
        url: `${base}/api/v2/barong/public/ping`,
        connections: CONNECTIONS,
        duration: DURATION_S,
        headers: { 'User-Agent': USER_AGENT },
      }),
      ...Array.from({ length: LOGIN_LOOPS }, () => loginLoop(base, email, until, logins)),
    ]);
    return { peak: Math.max(peak, rssMb(pid)), pings: pings['2xx'], logins };
  } finally {
    clearInterval(sampler);
  }
}

async function main(): Promise<void> {
  if (!process.env.BENCH_SKIP_BUILD) {
    const built = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
    if (built.status !== 0) throw new Error('npm run build failed');
  }
  const overrides = { BARONG_LOGIN_MAX_ATTEMPTS: '1000000', BARONG_LOGIN_MAX_ATTEMPTS_PER_IP: '1000000' };
  const prepare = (env: NodeJS.ProcessEnv) =>
    createBenchUsers(env, [{ email: 'bench.memory@example.com', state: 'active' }]);
  await withBenchServer(
    overrides,
    prepare,
    async ({ base, pid }, [email]) => {
      await sleep(IDLE_S * 1000);
      const idle = rssMb(pid);
      console.log(
        `memory benchmark: ${DURATION_S} s of ping (${CONNECTIONS} connections) beside ${LOGIN_LOOPS} login loops`,
      );
      const load = await mixedLoad(base, email!, pid);
      await sleep(AFTER_S * 1000);
      const after = rssMb(pid);
      await sleep((SETTLE_S - AFTER_S) * 1000);
      const settled = rssMb(pid);
      const logins = [...load.logins].map(([status, n]) => `${n}×${status}`).join(', ');
      console.log(`load served: ${load.pings} pings 2xx, logins ${logins}`);
      console.log(`API process RSS (target < ${TARGET_MB} MB)`);
      for (const [name, mb] of [
        ['idle', idle],
        ['peak under load', load.peak],
        [`${AFTER_S} s after load`, after],
        [`${SETTLE_S} s after load`, settled],
      ] as const) {
        console.log(`  ${name.padEnd(17)} ${mb.toFixed(1).padStart(7)} MB  ${mb < TARGET_MB ? 'ok' : 'OVER'}`);
      }
    },
    [...NODE_FLAGS, 'dist/src/main.js'],
  );
}

runBench(main);
