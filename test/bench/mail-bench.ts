/**
 * `npm run bench:mail` (issue 12): how long a new user waits for the confirmation mail while an exchange signs up
 * BENCH_RATE users a second. Starts, on loopback: an SMTP server that notes when each message arrives
 * (mail-arrivals.ts), a fresh migrated database, and the server as `npm start` runs it (API, outbox relay and mail
 * worker in one process, from the sources: `node --import tsx jobs/main.ts --with-api`) with production argon2id
 * parameters and the sign-up limit raised. Then sends sign-ups at a fixed rate (open loop: a slow answer does not
 * slow the sending) and measures, per sign-up, from its 201 answer to its mail's arrival.
 *
 * Prints the answer times, the mail delay (p50/p99/max), lost and duplicated mails, the server's CPU time, and
 * the delay of each hop on the way (mail-hops.ts).
 * Exits 1 when a mail is lost or arrives twice, or a sign-up fails; no timing target fails it.
 * Settings (environment): BENCH_RATE (sign-ups/s, default 50), BENCH_DURATION (s, default 60), BENCH_GRACE (s to
 * wait for the last mails, default 30), BENCH_SPLIT=1 (the API and the worker as two processes, as
 * `npm run start:api` and `npm run start:worker`); the worker's own settings (BARONG_MAIL_CONCURRENCY,
 * BARONG_SMTP_POOL_SIZE, BARONG_MAIL_RATE_LIMIT …) pass through to the server. A few sign-ups whose mails must
 * arrive before the clock starts warm the server up. BENCH_WORKER_ONLY=1 measures the worker process alone
 * instead: BENCH_RATE × BENCH_DURATION mails straight on its queue, sent as fast as it can.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { hash } from '@node-rs/argon2';
import { loadConfig } from '../../src/config/index.js';
import { runBench, SOURCE_API_COMMAND, withBenchServer } from './bench-server.js';
import { startMailArrivals, type MailArrivals } from './mail-arrivals.js';
import { mailHops } from './mail-hops.js';
import { drainWithWorker } from './mail-worker-drain.js';

const RATE = Number(process.env.BENCH_RATE ?? 50);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 60);
const GRACE_S = Number(process.env.BENCH_GRACE ?? 30);
/** `1`: the API and the worker as two processes (`npm run start:api` + `npm run start:worker`), else one (`npm start`). */
const SPLIT = process.env.BENCH_SPLIT === '1';
const WORKER_COMMAND = ['--import', 'tsx', 'jobs/main.ts'];
const WARM_UP = 5;
/** `1`: the worker alone, BENCH_RATE × BENCH_DURATION mails put straight on its queue (mail-worker-drain.ts). */
const WORKER_ONLY = process.env.BENCH_WORKER_ONLY === '1';
const SIGN_UP = '/api/v2/barong/identity/users';
const PASSWORD = 'Bench-Signup!Secret-42';
const TARGET_P99_MS = 2000;

interface SignUp {
  email: string;
  sentAt: number;
  answeredAt?: number;
  status?: number;
  error?: string;
}

function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const ms = (v: number) => `${Math.round(v)} ms`;

/** User + system CPU seconds of the processes so far (/proc, clock ticks of 1/100 s). */
function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / 100;
}

/** The worker process beside the API (BENCH_SPLIT=1); stopped with SIGTERM by the returned function. */
function startWorkerProcess(env: NodeJS.ProcessEnv): { child: ChildProcess; stop(): Promise<void> } {
  const child = spawn(process.execPath, WORKER_COMMAND, { stdio: ['ignore', 'inherit', 'inherit'], env });
  return {
    child,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

async function signUp(base: string, entry: SignUp): Promise<void> {
  try {
    const res = await fetch(`${base}${SIGN_UP}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'barong-bench/1.0' },
      body: JSON.stringify({ email: entry.email, password: PASSWORD }),
    });
    await res.arrayBuffer();
    entry.status = res.status;
  } catch (err) {
    // fetch's own message is only "fetch failed"; the cause says which (a refused or timed-out connection …).
    const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
    entry.error = `${(err as Error).message}${cause ? `: ${cause.code ?? cause.message}` : ''}`;
  }
  entry.answeredAt = performance.now();
}

/** Sends `count` sign-ups, one every 1000/RATE ms from the start whatever the answers take; resolves when all are answered. */
async function drive(base: string, count: number, run: string): Promise<SignUp[]> {
  const entries: SignUp[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const entry: SignUp = { email: `bench-${run}-${i}@example.com`, sentAt: performance.now() };
    entries.push(entry);
    pending.push(signUp(base, entry));
  }
  await Promise.all(pending);
  return entries;
}

async function waitForMails(smtp: MailArrivals, emails: string[], graceS = GRACE_S): Promise<void> {
  const deadline = performance.now() + graceS * 1000;
  while (performance.now() < deadline && emails.some((e) => !smtp.arrivals.has(e))) await sleep(100);
}

async function argon2Cost(env: NodeJS.ProcessEnv): Promise<{ perHashMs: number; label: string }> {
  const { memoryCost, timeCost, parallelism } = loadConfig(env).hashing;
  const options = { algorithm: 2, memoryCost, timeCost, parallelism } as const;
  await hash('warm-up', options);
  const started = performance.now();
  for (let i = 0; i < 20; i++) await hash(`password-${i}`, options);
  return {
    perHashMs: (performance.now() - started) / 20,
    label: `m=${memoryCost} KiB, t=${timeCost}, p=${parallelism}`,
  };
}

async function workerOnly(smtp: MailArrivals, count: number): Promise<void> {
  const cfg = loadConfig({ ...process.env, NODE_ENV: 'development' });
  console.log(
    `mail worker alone: ${count} mails on its queue; concurrency ${cfg.mailDelivery.concurrency}, ` +
      `SMTP pool ${cfg.smtp.poolSize}, rate limit ${cfg.mailDelivery.ratePerSecond || 'none'}`,
  );
  const r = await drainWithWorker(smtp, count, GRACE_S + DURATION_S);
  console.log(
    `sent in ${r.seconds.toFixed(1)} s from the first mail: ${((count - r.lost) / r.seconds).toFixed(0)} mails/s; ` +
      `lost: ${r.lost}, duplicates: ${r.duplicates}`,
  );
  if (r.lost || r.duplicates) throw new Error('mail benchmark: mails lost or duplicated');
}

async function main(): Promise<void> {
  const smtp = await startMailArrivals();
  const count = Math.round(RATE * DURATION_S);
  if (WORKER_ONLY) {
    try {
      return await workerOnly(smtp, count);
    } finally {
      await smtp.close();
    }
  }
  const overrides: NodeJS.ProcessEnv = {
    BARONG_SMTP_HOST: '127.0.0.1',
    BARONG_SMTP_PORT: String(smtp.port),
    BARONG_FIRST_REGISTRATION_SUPERADMIN: 'false',
    BARONG_SIGNUP_MAX_PER_IP: String(count + 100),
  };
  let worker: ReturnType<typeof startWorkerProcess> | undefined;
  let failed = false;
  try {
    await withBenchServer(
      overrides,
      async () => undefined,
      async ({ base, env, pid }) => {
        if (SPLIT) worker = startWorkerProcess(env);
        const pids = worker ? [pid, worker.child.pid!] : [pid];
        const argon2 = await argon2Cost(env);
        const cfg = loadConfig(env);
        // Warm-up: the worker is up and every pool connected before the clock starts.
        const warm = await drive(base, WARM_UP, 'warm-up');
        await waitForMails(
          smtp,
          warm.map((e) => e.email),
          60,
        );
        if (warm.some((e) => !smtp.arrivals.has(e.email))) throw new Error('no mail came back from the warm-up');
        console.log(
          `mail benchmark: ${RATE} sign-ups/s for ${DURATION_S} s (${count}), ${SPLIT ? 'API and worker as two processes' : 'one process (npm start)'}, argon2id ${argon2.label}; ` +
            `worker: concurrency ${cfg.mailDelivery.concurrency}, SMTP pool ${cfg.smtp.poolSize}, ` +
            `rate limit ${cfg.mailDelivery.ratePerSecond || 'none'}`,
        );
        const cpuBefore = pids.map((p) => cpuSeconds([p]));
        const started = performance.now();
        const entries = await drive(base, count, Date.now().toString(36));
        const drivenS = (performance.now() - started) / 1000;
        const created = entries.filter((e) => e.status === 201);
        await waitForMails(
          smtp,
          created.map((e) => e.email),
        );
        const cpuUsed = pids.map((p, i) => cpuSeconds([p]) - cpuBefore[i]!);
        const cpu = cpuUsed.reduce((a, b) => a + b, 0);
        const perCreated = (seconds: number) => ((seconds * 1000) / Math.max(1, created.length)).toFixed(1);
        const wallS = (performance.now() - started) / 1000;

        const answers = created.map((e) => e.answeredAt! - e.sentAt);
        const delays: number[] = [];
        const fromRequest: number[] = [];
        let lost = 0;
        let duplicates = 0;
        for (const e of created) {
          const times = smtp.arrivals.get(e.email);
          if (!times) lost += 1;
          else {
            delays.push(times[0]! - e.answeredAt!);
            fromRequest.push(times[0]! - e.sentAt);
          }
          if (times && times.length > 1) duplicates += times.length - 1;
        }
        const refused = entries.filter((e) => e.status !== 201);
        const reasons = [...new Set(refused.map((e) => e.error ?? `HTTP ${e.status}`))].slice(0, 3);

        console.log(
          `sign-ups: ${entries.length} sent in ${drivenS.toFixed(1)} s, ${created.length} × 201, ${refused.length} failed` +
            `${reasons.length ? ` (${reasons.join('; ')})` : ''}; 201 answer p50 ${ms(percentile(answers, 50))}, ` +
            `p99 ${ms(percentile(answers, 99))}, max ${ms(Math.max(...answers))}`,
        );
        console.log(
          `mail after the answer: p50 ${ms(percentile(delays, 50))}, p99 ${ms(percentile(delays, 99))}, ` +
            `max ${ms(Math.max(...delays))} (target p99 < ${TARGET_P99_MS} ms: ` +
            `${percentile(delays, 99) < TARGET_P99_MS ? 'met' : 'MISSED'})`,
        );
        console.log(
          `mail after the request was sent: p50 ${ms(percentile(fromRequest, 50))}, ` +
            `p99 ${ms(percentile(fromRequest, 99))} (a mail that arrives before its answer counts negative above)`,
        );
        console.log(`lost: ${lost}, duplicates: ${duplicates} (${smtp.total} messages accepted)`);
        console.log(
          `server CPU: ${cpu.toFixed(1)} s in ${wallS.toFixed(1)} s (${(cpu / wallS).toFixed(2)} cores), ` +
            `${perCreated(cpu)} ms per sign-up answered 201` +
            `${SPLIT ? ` (API ${perCreated(cpuUsed[0]!)}, worker ${perCreated(cpuUsed[1]!)})` : ''}, ` +
            `so ${((cpu / Math.max(1, created.length)) * RATE).toFixed(2)} cores for ${RATE}/s; ` +
            `one argon2id hash here: ${argon2.perHashMs.toFixed(1)} ms ` +
            `(${(1000 / argon2.perHashMs).toFixed(0)} hashes/s per core)`,
        );
        for (const hop of await mailHops(cfg)) {
          console.log(
            `  ${hop.name.padEnd(36)} p50 ${ms(percentile(hop.values, 50)).padStart(8)}, ` +
              `p99 ${ms(percentile(hop.values, 99)).padStart(8)} (${hop.values.length} samples)`,
          );
        }
        failed = lost > 0 || duplicates > 0 || refused.length > 0;
      },
      SPLIT ? SOURCE_API_COMMAND : [...WORKER_COMMAND, '--with-api'],
    );
  } finally {
    await worker?.stop();
    await smtp.close();
  }
  if (failed) throw new Error('mail benchmark: mails lost or duplicated, or sign-ups failed (see above)');
}

runBench(main);
