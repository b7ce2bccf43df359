/**
 * `npm run bench` (issue 14): one table for the whole server, in one run against one server.
 *
 * Builds (`npm run build`, unless BENCH_SKIP_BUILD=1), then starts on loopback the compiled server as `npm start`
 * runs it (`node dist/jobs/main.js --with-api`: API, outbox relay and workers in one process; NODE_ENV=development,
 * production argon2id parameters, per-IP limits raised because every client is 127.0.0.1, mail to an SMTP sink in
 * this process) on a fresh migrated database, or on BENCH_DATABASE (e.g. the one `npm run seed:bulk` filled; kept,
 * with this run's fixtures in it). Then runs each phase of bench-phases.ts in order (warm-up dropped, then measured)
 * (a phase listed twice is one row: the mean of both runs) and the sign-up → mail phase (bench-mail-phase.ts, its own server), reads every process's RSS twice a second,
 * prints the table, saves the numbers (test/bench/results/) and rewrites BENCHMARKS.md and benchmarks.svg.
 *
 * Settings (environment): BENCH_SECONDS (measured seconds per phase, default 10), BENCH_WARMUP (default 2),
 * BENCH_CONNECTIONS (default 50), BENCH_HASH_IN_FLIGHT (login, sign-up, raw argon2: default 8), BENCH_MAIL_SECONDS
 * (default 60; 0 leaves the mail row out), BENCH_DATABASE, BENCH_SKIP_BUILD=1. With the defaults a run takes about
 * 5 minutes. BENCH_ONLY=<text> runs only the phases whose name contains it (and the bare reference), prints their
 * rows and writes nothing: a quick look at one change, not a table. Nothing here asserts a timing: misses are
 * reported, and explained in BENCHMARKS.md.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import knex from 'knex';
import { loadConfig } from '../../src/config/index.js';
import { knexConfig } from '../../src/db/knex-config.js';
import { runBench, withBenchServer } from './bench-server.js';
import { bearerFor, createAuthFixture, loginWithOtp } from './bench-fixtures.js';
import { createBenchUsers } from './bench-users.js';
import { ARGON2, BARE, PHASES, type BenchContext } from './bench-phases.js';
import { runMailPhase } from './bench-mail-phase.js';
import type { Measured } from './bench-load.js';
import { rssMb } from './bench-rss.js';
import {
  machine,
  saveResults,
  tableMarkdown,
  writeReport,
  type ProcessMemory,
  type RowResult,
  type RunResults,
} from './bench-report.js';
import { startSmtpSink } from './smtp-sink.js';

function setting(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got ${raw}`);
  return value;
}

const SECONDS = setting('BENCH_SECONDS', 10);
const WARMUP = setting('BENCH_WARMUP', 2, 0);
const CONNECTIONS = setting('BENCH_CONNECTIONS', 50);
const HASH_IN_FLIGHT = setting('BENCH_HASH_IN_FLIGHT', 8);
const MAIL_SECONDS = setting('BENCH_MAIL_SECONDS', 60, 0);
const MAIL_RATE = 50;
const DATABASE = process.env.BENCH_DATABASE || undefined;
const ONLY = process.env.BENCH_ONLY || undefined;
const phases = ONLY ? PHASES.filter((p) => p.name === BARE || p.name.includes(ONLY)) : PHASES;
const SERVER_COMMAND = ['dist/jobs/main.js', '--with-api'];
const SETTLE_MS = 1500;

/**
 * A phase listed twice (the references, bracketing what is compared with them): requests/s the mean of both runs,
 * percentiles the worse of the two, answers and failures summed.
 */
function mergeRuns(a: Measured, b: Measured): Measured {
  return {
    rps: (a.rps + b.rps) / 2,
    p50: Math.max(a.p50, b.p50),
    p99: Math.max(a.p99, b.p99),
    requests: a.requests + b.requests,
    failures: a.failures + b.failures,
    firstFailure: a.firstFailure ?? b.firstFailure,
  };
}

/** Peak RSS of each named process, sampled twice a second until stopped. */
function memorySampler(processes: { name: string; pid: number }[]) {
  const memory: ProcessMemory[] = processes.map((p) => ({ name: p.name, idleMb: rssMb(p.pid) ?? 0, peakMb: 0 }));
  const sample = () =>
    processes.forEach((p, i) => (memory[i]!.peakMb = Math.max(memory[i]!.peakMb, rssMb(p.pid) ?? 0)));
  const timer = setInterval(sample, 500);
  return {
    memory,
    stop() {
      clearInterval(timer);
      sample();
    },
  };
}

async function tableSizes(env: NodeJS.ProcessEnv): Promise<{ users: number; activities: number }> {
  const db = knex(knexConfig(loadConfig(env).database));
  try {
    const [[u]] = (await db.raw('SELECT COUNT(*) AS n FROM users')) as [[{ n: number }]];
    const [[a]] = (await db.raw('SELECT COUNT(*) AS n FROM activities')) as [[{ n: number }]];
    return { users: Number(u!.n), activities: Number(a!.n) };
  } finally {
    await db.destroy();
  }
}

async function main(): Promise<void> {
  if (!process.env.BENCH_SKIP_BUILD) {
    const built = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
    if (built.status !== 0) throw new Error('npm run build failed');
  }
  const runId = randomBytes(3).toString('hex');
  const smtp = await startSmtpSink();
  const limits = String(1_000_000_000);
  const overrides = {
    BARONG_FIRST_REGISTRATION_SUPERADMIN: 'false',
    BARONG_LOGIN_MAX_ATTEMPTS: limits,
    BARONG_LOGIN_MAX_ATTEMPTS_PER_IP: limits,
    BARONG_SIGNUP_MAX_PER_IP: limits,
    BARONG_PASSWORD_VALIDATE_MAX_PER_IP: limits,
    BARONG_CODE_REQUESTS_MAX: limits,
    BARONG_CODE_REQUESTS_MAX_PER_IP: limits,
    BARONG_SMTP_HOST: '127.0.0.1',
    BARONG_SMTP_PORT: String(smtp.port),
  };
  const email = (who: string) => `${who}.${runId}@bench.example.com`;
  let results: RunResults | undefined;
  try {
    await withBenchServer(
      overrides,
      async (env) => {
        const member = await createAuthFixture(env, { email: email('member'), keyCount: CONNECTIONS });
        const admin = await createAuthFixture(env, { email: email('admin'), role: 'superadmin', keyCount: 0 });
        const [loginEmail] = await createBenchUsers(env, [{ email: email('login'), state: 'active' }]);
        return { member, admin, loginEmail: loginEmail!, sizes: await tableSizes(env) };
      },
      async ({ base, env, pid }, fx) => {
        const config = loadConfig(env);
        await sleep(3000);
        const sampler = memorySampler([
          { name: 'server (npm start: API + workers)', pid },
          { name: 'bench driver (autocannon, argon2)', pid: process.pid },
        ]);
        const memberCookie = await loginWithOtp(base, fx.member);
        const ctx: BenchContext = {
          base,
          seconds: SECONDS,
          warmupSeconds: WARMUP,
          connections: CONNECTIONS,
          hashInFlight: HASH_IN_FLIGHT,
          memberCookie,
          memberBearer: await bearerFor(base, memberCookie),
          keys: fx.member.keys,
          adminCookie: await loginWithOtp(base, fx.admin),
          loginEmail: fx.loginEmail,
          hashing: config.hashing,
          runId,
        };
        const h = config.hashing;
        console.log(
          `bench: ${DATABASE ?? 'fresh database'} (${fx.sizes.users} users, ${fx.sizes.activities} activities); ` +
            `${WARMUP} s warm-up + ${SECONDS} s per phase; argon2id m=${h.memoryCost} KiB t=${h.timeCost} p=${h.parallelism}`,
        );
        const rows: RowResult[] = [];
        try {
          for (const phase of phases) {
            process.stdout.write(`  ${phase.name} … `);
            const m = await phase.run(ctx);
            console.log(
              `${m.rps.toFixed(0)}/s, p99 ${m.p99.toFixed(1)} ms${m.failures ? `, ${m.failures} failed` : ''}`,
            );
            const earlier = rows.find((r) => r.name === phase.name);
            if (earlier) Object.assign(earlier, mergeRuns(earlier, m));
            else rows.push({ name: phase.name, reference: phase.reference, target: phase.target, ...m });
            // Requests still queued in the server when the load stopped must not run into the next phase.
            await sleep(SETTLE_MS);
          }
        } finally {
          sampler.stop();
        }
        const rpsOf = (name: string) => rows.find((r) => r.name === name && r.failures === 0)?.rps;
        for (const row of rows) {
          const bare = rpsOf(BARE);
          if (bare && row.name !== ARGON2) row.ratioToBare = row.rps / bare;
          const ref = rpsOf(row.reference ?? BARE);
          if (row.target !== undefined && ref && row.failures === 0) {
            row.ratio = row.rps / ref;
            row.met = row.ratio >= row.target;
          } else if (row.target !== undefined) row.met = false;
        }
        results = {
          kind: DATABASE ? 'bulk' : 'fresh',
          database: DATABASE ?? 'fresh (migrated and seeded)',
          ...fx.sizes,
          date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
          machine: machine(),
          settings: {
            seconds: SECONDS,
            warmupSeconds: WARMUP,
            connections: CONNECTIONS,
            hashInFlight: HASH_IN_FLIGHT,
            hashing: `m=${h.memoryCost} KiB, t=${h.timeCost}, p=${h.parallelism}`,
          },
          rows,
          mail: {
            ran: false,
            rate: MAIL_RATE,
            seconds: MAIL_SECONDS,
            note: ONLY ? 'left out (BENCH_ONLY)' : 'left out (BENCH_MAIL_SECONDS=0)',
          },
          memory: sampler.memory,
        };
      },
      SERVER_COMMAND,
      DATABASE,
    );
  } finally {
    await smtp.close();
  }
  if (!results) throw new Error('the bench produced no results');
  if (ONLY) return console.log(`\n${tableMarkdown(results)}\n\nBENCH_ONLY: nothing written`);
  if (MAIL_SECONDS > 0) results.mail = await runMailPhase(MAIL_RATE, MAIL_SECONDS);
  console.log(`\n${tableMarkdown(results)}`);
  saveResults(results);
  writeReport();
  console.log('\nwrote BENCHMARKS.md, benchmarks.svg and test/bench/results/');
}

runBench(main);
