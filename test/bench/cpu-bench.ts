/**
 * `npm run bench:cpu`: the compiled API's CPU time per request, to weigh Node flags that save memory
 * (docs/operations.md) against what they cost. Starts the API as bench:memory does (`node dist/src/main.js`, login
 * limits raised, one active user; BENCH_NODE_FLAGS before the script), warms it up, then reads the process's CPU
 * time (user + system, all its threads, from /proc) around a fixed number of `public/ping` requests (autocannon,
 * 10 connections) and of correct logins (two loops). Unlike requests per second, CPU time per request hardly depends
 * on what else the machine is doing. Prints both; nothing here asserts. Measures the `dist/` already there
 * (`npm run build` first).
 *
 * Settings (environment): BENCH_PINGS (default 8000), BENCH_LOGINS (default 40), BENCH_NODE_FLAGS.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { runBench, withBenchServer } from './bench-server.js';
import { BENCH_PASSWORD, createBenchUsers } from './bench-users.js';

const PINGS = Number(process.env.BENCH_PINGS ?? 8000);
const LOGINS = Number(process.env.BENCH_LOGINS ?? 40);
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
const USER_AGENT = 'barong-bench/1.0';
/** /proc reports CPU time in clock ticks, 100 a second on Linux. */
const MS_PER_TICK = 10;

function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
}

async function logins(base: string, email: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${base}/api/v2/barong/identity/sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': USER_AGENT },
      body: JSON.stringify({ email, password: BENCH_PASSWORD }),
    });
    await res.arrayBuffer();
    if (res.status !== 201) throw new Error(`login answered ${res.status}`);
  }
}

async function cpuOf(pid: number, work: () => Promise<unknown>): Promise<number> {
  const before = cpuMs(pid);
  await work();
  return cpuMs(pid) - before;
}

async function main(): Promise<void> {
  const overrides = { BARONG_LOGIN_MAX_ATTEMPTS: '1000000', BARONG_LOGIN_MAX_ATTEMPTS_PER_IP: '1000000' };
  const prepare = (env: NodeJS.ProcessEnv) =>
    createBenchUsers(env, [{ email: 'bench.cpu@example.com', state: 'active' }]);
  await withBenchServer(
    overrides,
    prepare,
    async ({ base, pid }, [email]) => {
      const ping = (amount: number) =>
        autocannon({
          url: `${base}/api/v2/barong/public/ping`,
          connections: 10,
          amount,
          headers: { 'User-Agent': USER_AGENT },
        });
      await ping(2000);
      await logins(base, email!, 5);
      const pingMs = await cpuOf(pid, () => ping(PINGS));
      const loginMs = await cpuOf(pid, () => Promise.all([0, 1].map(() => logins(base, email!, LOGINS / 2))));
      console.log(`API CPU time (node flags: ${NODE_FLAGS.join(' ') || 'none'})`);
      console.log(`  per ping   ${(pingMs / PINGS).toFixed(3).padStart(7)} ms  (${PINGS} requests)`);
      console.log(`  per login  ${(loginMs / LOGINS).toFixed(1).padStart(7)} ms  (${LOGINS} requests)`);
    },
    [...NODE_FLAGS, 'dist/src/main.js'],
  );
}

runBench(main);
