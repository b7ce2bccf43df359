/**
 * `npx tsx test/bench/users-me-cpu.ts`: the API's CPU time per request (user + system, from /proc, as bench:cpu
 * reads it) for GET /healthz and GET /resource/users/me with the session cookie and with the Bearer JWT, the
 * scenarios of bench:contract. Throughput on a shared, loaded machine swings by a third between runs; CPU time per
 * request hardly moves, so a change to the users/me path shows here first. The ratio healthz/users-me is what
 * bench:contract's ratio tends to when the server is CPU-bound. Runs from the sources (tsx), as bench:contract does.
 * Settings: BENCH_REQUESTS per scenario and round (default 3000), BENCH_ROUNDS (default 3), BENCH_CPU_PROF_DIR (as
 * bench:contract's; with the profiler on, the times include its cost). Nothing here asserts.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { SOURCE_API_COMMAND, runBench, withBenchServer } from './bench-server.js';
import { BENCH_USER_AGENT, bearerFor, createAuthFixture, loginWithOtp } from './bench-fixtures.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MS_PER_TICK = 10;
const PROFILE_DIR = process.env.BENCH_CPU_PROF_DIR;

function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
}

async function fire(base: string, path: string, headers: Record<string, string>, amount: number): Promise<number> {
  const result = await autocannon({ url: base + path, amount, connections: 20, headers });
  if (result.non2xx || result.errors) throw new Error(`${path}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.total;
}

runBench(async () => {
  await withBenchServer(
    {},
    (env) => createAuthFixture(env, { email: 'bench.member@example.com', keyCount: 1 }),
    async ({ base, pid }, fixture) => {
      const cookie = await loginWithOtp(base, fixture);
      const ua = { 'User-Agent': BENCH_USER_AGENT };
      const scenarios: [string, string, Record<string, string>][] = [
        ['healthz', '/healthz', ua],
        ['users-me', '/api/v2/barong/resource/users/me', { ...ua, Cookie: cookie }],
        [
          'users-me-bearer',
          '/api/v2/barong/resource/users/me',
          { ...ua, Authorization: `Bearer ${await bearerFor(base, cookie)}` },
        ],
      ];
      for (const [, path, headers] of scenarios) await fire(base, path, headers, REQUESTS / 2);
      const perRequest = new Map<string, number[]>();
      for (let round = 0; round < ROUNDS; round++) {
        for (const [name, path, headers] of scenarios) {
          const before = cpuMs(pid);
          const n = await fire(base, path, headers, REQUESTS);
          perRequest.set(name, [...(perRequest.get(name) ?? []), ((cpuMs(pid) - before) * 1000) / n]);
        }
      }
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const ceiling = mean(perRequest.get('healthz')!);
      for (const [name, xs] of perRequest) {
        const rounds = xs.map((x) => x.toFixed(0)).join(' ');
        console.log(
          `${name.padEnd(16)} ${mean(xs).toFixed(0).padStart(5)} µs CPU/request  healthz/this ${(ceiling / mean(xs)).toFixed(2)}  (rounds: ${rounds})`,
        );
      }
    },
    PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, ...SOURCE_API_COMMAND] : SOURCE_API_COMMAND,
  );
});
