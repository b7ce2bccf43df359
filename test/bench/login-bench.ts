/**
 * `npm run bench:login` (issue 14 item 3): the login row of `npm run bench` alone, with where its CPU goes. Starts
 * the compiled server as the bench does (`node dist/jobs/main.js --with-api`: API, relay and workers, mail to an SMTP
 * sink here; BENCH_NODE_FLAGS before the script, e.g. `--cpu-prof --cpu-prof-dir=…`), then runs raw argon2id,
 * login, raw argon2id (bench-phases.ts), and prints the ratio to the mean of both references. Beside it, the CPU
 * time per login of the server (all its threads, the hash included), MariaDB and Redis, read from /proc around the
 * login phase: unlike requests/s, CPU per request hardly depends on the machine's other load (MariaDB and Redis are
 * shared, so theirs includes whatever else ran). Measures the `dist/` already there (`npm run build` first).
 * Nothing here asserts.
 *
 * Settings (environment): BENCH_SECONDS (default 10), BENCH_WARMUP (default 2), BENCH_HASH_IN_FLIGHT (default 8),
 * BENCH_NODE_FLAGS.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config/index.js';
import { runBench, withBenchServer } from './bench-server.js';
import { createBenchUsers } from './bench-users.js';
import { ARGON2, LOGIN, PHASES, type BenchContext } from './bench-phases.js';
import type { Measured } from './bench-load.js';
import { startSmtpSink } from './smtp-sink.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const IN_FLIGHT = Number(process.env.BENCH_HASH_IN_FLIGHT ?? 8);
const NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
/** /proc reports CPU time in clock ticks, 100 a second on Linux. */
const MS_PER_TICK = 10;

function cpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
}

/** CPU ms of a process's threads, summed by thread name (main thread, libuv pool, V8 helpers …). */
function threadCpuMs(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = Number(tid) === pid ? 'main (JS)' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      byName.set(name, (byName.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return byName;
}

function pidOf(name: string): number | undefined {
  try {
    return Number(execFileSync('pgrep', ['-o', '-x', name], { encoding: 'utf8' }).trim()) || undefined;
  } catch {
    return undefined;
  }
}

function phase(name: string) {
  const found = PHASES.find((p) => p.name === name);
  if (!found) throw new Error(`no phase ${name} in bench-phases.ts`);
  return found;
}

const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const show = (m: Measured) =>
  `${m.rps.toFixed(1)}/s, p50 ${m.p50.toFixed(0)} ms, p99 ${m.p99.toFixed(0)} ms${m.failures ? `, ${m.failures} failed (${m.firstFailure})` : ''}`;

async function main(): Promise<void> {
  const smtp = await startSmtpSink();
  const limits = String(1_000_000_000);
  const overrides = {
    BARONG_LOGIN_MAX_ATTEMPTS: limits,
    BARONG_LOGIN_MAX_ATTEMPTS_PER_IP: limits,
    BARONG_SMTP_HOST: '127.0.0.1',
    BARONG_SMTP_PORT: String(smtp.port),
  };
  const email = `login.${randomBytes(3).toString('hex')}@bench.example.com`;
  try {
    await withBenchServer(
      overrides,
      (env) => createBenchUsers(env, [{ email, state: 'active' }]),
      async ({ base, env, pid }) => {
        const ctx: BenchContext = {
          base,
          seconds: SECONDS,
          warmupSeconds: WARMUP,
          connections: IN_FLIGHT,
          hashInFlight: IN_FLIGHT,
          memberCookie: '',
          memberBearer: '',
          keys: [],
          adminCookie: '',
          loginEmail: email,
          hashing: loadConfig(env).hashing,
          runId: '',
        };
        const others = { mariadb: pidOf('mariadbd') ?? pidOf('mysqld'), redis: pidOf('redis-server') };
        console.log(`load average before: ${loadAverage()}`);
        const driverBefore = process.cpuUsage();
        const before = await phase(ARGON2).run(ctx);
        const driver = process.cpuUsage(driverBefore);
        const verifies = before.requests + before.rps * WARMUP;
        const verifyMs = (driver.user + driver.system) / 1000 / verifies;
        console.log(`  ${ARGON2} … ${show(before)}`);
        const cpu = () => ({ server: cpuMs(pid), mariadb: cpuMs(others.mariadb), redis: cpuMs(others.redis) });
        const threadsStart = threadCpuMs(pid);
        const start = cpu();
        const login = await phase(LOGIN).run(ctx);
        const end = cpu();
        const threadsEnd = threadCpuMs(pid);
        console.log(`  ${LOGIN} … ${show(login)}`);
        const after = await phase(ARGON2).run(ctx);
        console.log(`  ${ARGON2} … ${show(after)}`);
        const reference = (before.rps + after.rps) / 2;
        // The warm-up's logins count too: the CPU was read around the whole phase.
        const logins = login.requests + login.rps * WARMUP;
        console.log(`load average after: ${loadAverage()}`);
        console.log(`ratio login / raw argon2id: ${(login.rps / reference).toFixed(2)}`);
        console.log(`CPU ms per raw argon2id verify (this process): ${verifyMs.toFixed(1)}`);
        console.log(`CPU ms per login (≈${logins.toFixed(0)} logins, warm-up included):`);
        for (const key of ['server', 'mariadb', 'redis'] as const) {
          console.log(`  ${key.padEnd(8)} ${((end[key] - start[key]) / logins).toFixed(1).padStart(7)}`);
        }
        for (const [name, ms] of threadsEnd) {
          const spent = (ms - (threadsStart.get(name) ?? 0)) / logins;
          if (spent >= 0.5) console.log(`    server thread ${name.padEnd(16)} ${spent.toFixed(1).padStart(7)}`);
        }
      },
      [...NODE_FLAGS, 'dist/jobs/main.js', '--with-api'],
    );
  } finally {
    await smtp.close();
  }
}

runBench(main);
