/**
 * `npm run bench:contract`: issue 14's ratios, measured in one run against one server, so that a machine loaded by
 * other work moves every number alike.
 *
 * The same frame as `npm run bench:authz` (test/bench/authz-bench.ts, whose fixture and scenarios it reuses), but
 * with the production argon2id parameters (BARONG_ARGON2_* as configured, defaults otherwise), and the bare
 * operator route as the ceiling:
 *   healthz   GET /healthz (no contract, no validator): the ceiling, ratio 1
 *   ceiling   GET /api/v2/barong/public/ping (the contract path)                     target >= 0.80
 *   session   the gateway authorizer with a session cookie                            target >= 0.90
 *   apikey    the gateway authorizer with a signed API key                            target >= 0.85
 *   users-me  GET /api/v2/barong/resource/users/me with the session cookie           target >= 0.40
 *   users-me-bearer  the same with the Bearer JWT the gateway hands upstream           target >= 0.40
 * and, separately, logins (POST /identity/sessions, LOGIN_CONNECTIONS in flight, default 8) against raw argon2id
 * verifications at the same parameters with as many in flight, in this process, while the server idles
 * (target >= 0.90).
 * Each scenario's BENCH_DURATION is cut into BENCH_ROUNDS slices (default 5) and the scenarios take turns, slice by
 * slice, so load from elsewhere on the machine falls on all of them alike; the table has the means (ratios of
 * means), and the ratio of every round is printed below it, as the spread.
 * Settings: those of bench:authz (BENCH_DURATION, BENCH_WARMUP, BENCH_CONNECTIONS, BENCH_PIPELINING), plus
 * BENCH_SCENARIOS (default healthz,ceiling,session,apikey,users-me,users-me-bearer,login), LOGIN_CONNECTIONS, and BENCH_CPU_PROF_DIR
 * (the server runs with `--cpu-prof` and writes its profile there when it stops; test/bench/profile-top.ts reads it).
 * Not part of the test suite: nothing here asserts a timing.
 */
import autocannon from 'autocannon';
import { hash, verify } from '@node-rs/argon2';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/lib/logger.js';
import { createServices } from '../../src/compose.js';
import { newUid } from '../../src/domain/accounts/uid.js';
import { formatTable, type Row } from './bench-table.js';
import { SOURCE_API_COMMAND, runBench, withBenchServer } from './bench-server.js';
import { judge, run, scenarios as authzScenarios, setting, type Counts, type Scenario } from './authz-bench.js';
import {
  BENCH_USER_AGENT as USER_AGENT,
  bearerFor,
  createAuthFixture,
  loginWithOtp as login,
  type AuthFixture as Fixture,
} from './bench-fixtures.js';
import { BENCH_PASSWORD as PASSWORD } from './bench-users.js';

const DURATION = setting('BENCH_DURATION', 10);
const WARMUP = setting('BENCH_WARMUP', 2);
const CONNECTIONS = setting('BENCH_CONNECTIONS', 50);
const LOGIN_CONNECTIONS = setting('LOGIN_CONNECTIONS', 8);
/** The other helpers' load comes and goes: every scenario runs in ROUNDS slices, the scenarios taking turns. */
const ROUNDS = setting('BENCH_ROUNDS', 5);
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? 'healthz,ceiling,session,apikey,users-me,users-me-bearer,login')
  .split(',')
  .map((s) => s.trim());
const LOGIN_EMAIL = 'bench.login@example.com';
const PROFILE_DIR = process.env.BENCH_CPU_PROF_DIR;
const SERVER_COMMAND = PROFILE_DIR
  ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, ...SOURCE_API_COMMAND]
  : SOURCE_API_COMMAND;
const TARGETS: Record<string, number> = {
  ceiling: 0.8,
  session: 0.9,
  apikey: 0.85,
  'users-me': 0.4,
  'users-me-bearer': 0.4,
  login: 0.9,
};

/** An active member without 2FA, so that every login needs only the password. */
async function createLoginUser(env: NodeJS.ProcessEnv): Promise<void> {
  const services = await createServices(loadConfig(env), createLogger('silent'));
  try {
    const { uow, hasher, privateLabels } = services;
    const passwordDigest = await hasher.hash(PASSWORD);
    await uow.run(async (w) => {
      const uid = await newUid(w.repos, services.config.app.uidPrefix);
      const user = await w.repos.users.insert({
        uid,
        email: LOGIN_EMAIL,
        passwordDigest,
        role: 'member',
        state: 'pending',
        level: 0,
      });
      await privateLabels.set(w, user, 'email', 'verified');
    });
  } finally {
    await services.close();
  }
}

/** The account read with the session cookie, or (`users-me-bearer`) with a Bearer JWT. */
function usersMe(name: string, credentials: Record<string, string>): Scenario {
  return {
    name,
    request: (counts: Counts) => ({
      method: 'GET',
      path: '/api/v2/barong/resource/users/me',
      headers: { 'User-Agent': USER_AGENT, ...credentials },
      onResponse: judge(counts, false),
    }),
  };
}

/** Logins per second with LOGIN_CONNECTIONS in flight; a good answer is 201. */
async function logins(base: string, duration: number): Promise<{ result: autocannon.Result; counts: Counts }> {
  const counts: Counts = { ok: 0, bad: 0 };
  const result = await autocannon({
    url: base,
    connections: LOGIN_CONNECTIONS,
    duration,
    requests: [
      {
        method: 'POST',
        path: '/api/v2/barong/identity/sessions',
        headers: { 'User-Agent': USER_AGENT, 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: LOGIN_EMAIL, password: PASSWORD }),
        onResponse: (status, body) => {
          if (status === 201) counts.ok += 1;
          else {
            counts.bad += 1;
            counts.firstBad ??= `${status} ${String(body ?? '').slice(0, 200)}`;
          }
        },
      },
    ],
  });
  return { result, counts };
}

/** argon2id verifications per second at the server's parameters, LOGIN_CONNECTIONS at a time. */
async function rawVerifies(env: NodeJS.ProcessEnv, duration: number): Promise<number> {
  const { memoryCost, timeCost, parallelism } = loadConfig(env).hashing;
  const digest = await hash(PASSWORD, { algorithm: 2, memoryCost, timeCost, parallelism });
  const until = Date.now() + duration * 1000;
  let done = 0;
  const loop = async () => {
    while (Date.now() < until) {
      if (!(await verify(digest, PASSWORD))) throw new Error('raw verify failed');
      done += 1;
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: LOGIN_CONNECTIONS }, loop));
  return done / ((Date.now() - started) / 1000);
}

interface Tally {
  rps: number[];
  p50: number[];
  p99: number[];
  requests: number;
  failures: number;
  firstFailure?: string;
}

const newTally = (): Tally => ({ rps: [], p50: [], p99: [], requests: 0, failures: 0 });
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** One round of a scenario: autocannon's result, or (raw argon2) a rate measured here. */
function add(t: Tally, result: autocannon.Result | undefined, counts: Counts | undefined, seconds: number, rate = 0) {
  if (!result || !counts) {
    t.rps.push(rate);
    t.p50.push(0);
    t.p99.push(0);
    return;
  }
  t.rps.push(counts.ok / seconds);
  t.p50.push(result.latency.p50);
  t.p99.push(result.latency.p99);
  t.requests += counts.ok + counts.bad;
  t.failures += counts.bad + result.errors + result.timeouts;
  t.firstFailure ??= counts.firstBad;
}

async function main(): Promise<void> {
  const overrides = {
    BARONG_SIGNUP_MAX_PER_IP: '100000',
    BARONG_PASSWORD_VALIDATE_MAX_PER_IP: '100000',
  };
  await withBenchServer(
    overrides,
    async (env) => {
      await createLoginUser(env);
      return createAuthFixture(env, { email: 'bench.member@example.com', keyCount: CONNECTIONS });
    },
    async ({ base, env }, fixture: Fixture) => {
      const cookie = await login(base, fixture);
      const all = [
        ...authzScenarios(cookie, fixture.keys),
        usersMe('users-me', { Cookie: cookie }),
        usersMe('users-me-bearer', { Authorization: `Bearer ${await bearerFor(base, cookie)}` }),
      ];
      const names = SCENARIOS.filter((n) => n !== 'login');
      const chosen = names.map((name) => {
        const s = all.find((x) => x.name === name);
        if (!s) throw new Error(`unknown scenario ${name}`);
        return s;
      });
      const slice = DURATION / ROUNDS;
      console.log(
        `contract benchmark: ${CONNECTIONS} connections (logins: ${LOGIN_CONNECTIONS}), ${WARMUP} s warm-up, then ` +
          `${ROUNDS} rounds of ${slice.toFixed(1)} s per scenario, taken in turn`,
      );
      for (const s of chosen) await run(base, s, WARMUP);
      if (SCENARIOS.includes('login')) await logins(base, WARMUP);
      const tallies = new Map<string, Tally>();
      const tally = (name: string) => tallies.get(name) ?? tallies.set(name, newTally()).get(name)!;
      for (let round = 0; round < ROUNDS; round++) {
        for (const s of chosen) {
          const { result, counts } = await run(base, s, slice);
          add(tally(s.name), result, counts, slice);
        }
        if (SCENARIOS.includes('login')) {
          add(tally('argon2 raw'), undefined, undefined, slice, await rawVerifies(env, slice));
          const { result, counts } = await logins(base, slice);
          add(tally('login'), result, counts, slice);
        }
      }
      const rows: Row[] = [];
      const spreads: string[] = [];
      for (const [name, t] of tallies) {
        const reference =
          name === 'login' ? tallies.get('argon2 raw') : name === 'argon2 raw' ? t : tallies.get('healthz');
        const perRound = reference ? t.rps.map((r, i) => r / reference.rps[i]!) : [];
        rows.push({
          scenario: name,
          rps: mean(t.rps),
          p50: median(t.p50),
          p99: Math.max(...t.p99),
          requests: t.requests,
          failures: t.failures,
          firstFailure: t.firstFailure,
          target: TARGETS[name],
          ratio: reference ? mean(t.rps) / mean(reference.rps) : undefined,
        });
        if (reference && reference !== t) {
          const sorted = [...perRound].sort((a, b) => a - b);
          spreads.push(`${name}: ${sorted.map((r) => r.toFixed(2)).join(' ')}`);
        }
      }
      console.log(formatTable(rows));
      console.log(`ratio per round (lowest to highest):\n  ${spreads.join('\n  ')}`);
    },
    SERVER_COMMAND,
  );
}

runBench(main);
