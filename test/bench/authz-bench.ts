/**
 * `npm run bench:authz`: how much the gateway authorizer costs next to the cheapest request the server answers.
 *
 * Starts, on loopback: a fresh migrated and seeded database with one active user (2FA on) holding one API key per
 * connection, and the API itself as a child process (`node --import tsx src/main.ts`, NODE_ENV=development,
 * LOG_LEVEL=warn, the JWT key of the tests; cheap argon2 only for the fixture's password). Logs the user in for a
 * session cookie, then runs autocannon against three scenarios, each after a warm-up whose numbers are dropped:
 *   ceiling  GET /api/v2/barong/public/ping
 *   session  GET /api/v2/barong/auth/api/v2/peatio/account/balances with the session cookie
 *   api key  the same with X-Auth-Apikey / X-Auth-Nonce / X-Auth-Signature, a fresh nonce and HMAC per request
 * and prints one table: requests/s, p50 and p99 latency, the target and the ratio to the ceiling (last column).
 * An authorizer scenario counts only answers that are 200 with `Authorization: Bearer …`; any other answer or a
 * socket error marks the scenario FAILED (its speed means nothing then). Misses are printed, never fatal.
 *
 * Why one key per connection: the server accepts a nonce once per key (replay protection), and nonces are
 * milliseconds, so many connections signing with one key would collide within a millisecond. Each key's nonce is
 * `max(now, previous + 1)`, unique and within the 5 s window at any realistic per-connection rate.
 *
 * Settings (environment): BENCH_DURATION (s, default 10), BENCH_WARMUP (s, default 2), BENCH_CONNECTIONS
 * (default 50), BENCH_PIPELINING (default 1), BENCH_SCENARIOS (comma list, default ceiling,session,apikey; the
 * opt-in `healthz` adds GET /healthz, which skips the contract validator as the authorizer does),
 * BENCH_METRICS_COMPARE (default 1; 0 skips the comparison below), BENCH_METRICS_ROUNDS (default 4).
 *
 * What metrics cost the authorizer: after the table, each authorizer scenario runs on fresh API processes on the
 * same database, one at a time, alternately with metrics on and with BARONG_METRICS_ENABLED=false (BENCH_DURATION
 * split over BENCH_METRICS_ROUNDS rounds, each process warmed up first), and a second table prints both speeds and
 * their ratio; the count one decision adds (src/lib/metrics.ts, `gatewayDecision`) is also timed in
 * this process, per call.
 * Not part of the test suite: nothing here asserts a timing.
 */
import autocannon from 'autocannon';
import { pathToFileURL } from 'node:url';
import { Metrics } from '../../src/lib/metrics.js';
import { formatMetricsCost, formatTable, type MetricsCostRow, type Row } from './bench-table.js';
import { runBench, startSiblingServer, withBenchServer, type BenchServer } from './bench-server.js';
import {
  BENCH_USER_AGENT as USER_AGENT,
  createAuthFixture,
  loginWithOtp,
  signedHeaders,
  type Key,
} from './bench-fixtures.js';

const CEILING_PATH = '/api/v2/barong/public/ping';
const AUTH_PATH = '/api/v2/barong/auth/api/v2/peatio/account/balances';

export function setting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
}

const DURATION = setting('BENCH_DURATION', 10);
const WARMUP = setting('BENCH_WARMUP', 2);
const CONNECTIONS = setting('BENCH_CONNECTIONS', 50);
const PIPELINING = setting('BENCH_PIPELINING', 1);
const SCENARIOS = (process.env.BENCH_SCENARIOS ?? 'ceiling,session,apikey').split(',').map((s) => s.trim());
const METRICS_COMPARE = process.env.BENCH_METRICS_COMPARE !== '0';

export interface Counts {
  ok: number;
  bad: number;
  firstBad?: string;
}

export interface Scenario {
  name: string;
  /** Minimum ratio to the ceiling (authorizer scenarios). */
  target?: number;
  /** A request template for one connection, and how its answers are judged. */
  request(counts: Counts): autocannon.Request;
  /** Called once per connection: may give each connection its own requests. */
  setupClient?(client: autocannon.Client, counts: Counts): void;
}

/** Counts an answer: good when 200 and (for the authorizer) carrying a Bearer token. */
export function judge(counts: Counts, needsBearer: boolean): autocannon.Request['onResponse'] {
  return (status, body, _context, headers) => {
    const authorization = headers?.authorization ?? headers?.Authorization;
    const good =
      status === 200 && (!needsBearer || (typeof authorization === 'string' && authorization.startsWith('Bearer ')));
    if (good) counts.ok += 1;
    else {
      counts.bad += 1;
      counts.firstBad ??= `${status} ${authorization ? '' : '(no Authorization) '}${String(body ?? '').slice(0, 200)}`;
    }
  };
}

export function scenarios(cookie: string, keys: Key[]): Scenario[] {
  const base = { 'User-Agent': USER_AGENT };
  let nextKey = 0;
  return [
    {
      name: 'ceiling',
      request: (counts) => ({ method: 'GET', path: CEILING_PATH, headers: base, onResponse: judge(counts, false) }),
    },
    {
      // Opt-in (BENCH_SCENARIOS): an operator route mounted before the body parsers and the contract validator,
      // like the authorizer; shows what the ceiling's validator costs.
      name: 'healthz',
      request: (counts) => ({ method: 'GET', path: '/healthz', headers: base, onResponse: judge(counts, false) }),
    },
    {
      name: 'session',
      target: 0.5,
      request: (counts) => ({
        method: 'GET',
        path: AUTH_PATH,
        headers: { ...base, Cookie: cookie },
        onResponse: judge(counts, true),
      }),
    },
    {
      name: 'apikey',
      target: 0.4,
      request: (counts) => ({ method: 'GET', path: AUTH_PATH, headers: base, onResponse: judge(counts, true) }),
      setupClient(client, counts) {
        const key = keys[nextKey++ % keys.length]!;
        client.setRequests([
          {
            method: 'GET',
            path: AUTH_PATH,
            headers: base,
            setupRequest: (req) => ({ ...req, headers: { ...base, ...signedHeaders(key) } }),
            onResponse: judge(counts, true),
          },
        ]);
      },
    },
  ];
}

export async function run(
  url: string,
  s: Scenario,
  duration: number,
): Promise<{ result: autocannon.Result; counts: Counts }> {
  const counts: Counts = { ok: 0, bad: 0 };
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    pipelining: PIPELINING,
    duration,
    requests: [s.request(counts)],
    ...(s.setupClient ? { setupClient: (client: autocannon.Client) => s.setupClient!(client, counts) } : {}),
  });
  return { result, counts };
}

/** Nanoseconds per call of the authorizer's one metrics call, allowed and refused, in this process. */
function decisionCountCost(): { allowedNs: number; refusedNs: number; calls: number } {
  const metrics = new Metrics(false);
  const calls = 5_000_000;
  const perCall = (answer: string) => {
    for (let i = 0; i < calls / 10; i++) metrics.gatewayDecision(answer); // warm-up: let the JIT settle
    const started = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) metrics.gatewayDecision(answer);
    return Number(process.hrtime.bigint() - started) / calls;
  };
  return { allowedNs: perCall('allowed'), refusedNs: perCall('authz.invalid_session'), calls };
}

const ROUNDS = setting('BENCH_METRICS_ROUNDS', 4);
const roundSeconds = () => Math.max(2, Math.round(DURATION / ROUNDS));

/**
 * Each scenario on a fresh API process beside the bench's server, on its database, with metrics on, then on one
 * with BARONG_METRICS_ENABLED=false (BENCH_METRICS_OFF_ENABLED=true makes both sides the same, to see the method's
 * own noise), round after round with the order swapped each round. One process at a time: two running side by
 * side on a loaded machine differed by a quarter even when both had metrics on.
 */
async function compareMetrics(server: BenchServer, chosen: Scenario[]): Promise<MetricsCostRow[]> {
  const rows = new Map(chosen.map((s) => [s.name, { scenario: s.name, onRps: 0, offRps: 0, failures: 0 }]));
  const sides = [
    { field: 'onRps', enabled: 'true' },
    { field: 'offRps', enabled: process.env.BENCH_METRICS_OFF_ENABLED ?? 'false' },
  ] as const;
  for (let round = 0; round < ROUNDS; round++) {
    for (const side of round % 2 ? [...sides].reverse() : sides) {
      const sibling = await startSiblingServer(server, { BARONG_METRICS_ENABLED: side.enabled });
      try {
        for (const s of chosen) {
          const row = rows.get(s.name)!;
          await run(sibling.base, s, WARMUP);
          const { result, counts } = await run(sibling.base, s, roundSeconds());
          row[side.field] += result.requests.average / ROUNDS;
          row.failures += counts.bad + result.errors + result.timeouts;
        }
      } finally {
        await sibling.stop();
      }
    }
  }
  return [...rows.values()];
}

async function main(): Promise<void> {
  const overrides = {
    // Only the fixture's password hash and the one login use argon2; keep them quick.
    BARONG_ARGON2_MEMORY_COST: '1024',
    BARONG_ARGON2_TIME_COST: '1',
    // Every client is on loopback: per-IP limits of sign-ups and password checks set out of the way.
    BARONG_SIGNUP_MAX_PER_IP: '100000',
    BARONG_PASSWORD_VALIDATE_MAX_PER_IP: '100000',
  };
  await withBenchServer(
    overrides,
    (env) => createAuthFixture(env, { email: 'bench.member@example.com', keyCount: CONNECTIONS }),
    async (server, fixture) => {
      const { base } = server;
      const cookie = await loginWithOtp(base, fixture);
      const rows: Row[] = [];
      let ceiling: number | undefined;
      console.log(
        `authz benchmark: ${CONNECTIONS} connections, pipelining ${PIPELINING}, ${WARMUP} s warm-up + ${DURATION} s per scenario`,
      );
      const chosen = scenarios(cookie, fixture.keys).filter((x) => SCENARIOS.includes(x.name));
      for (const s of chosen) {
        await run(base, s, WARMUP);
        const { result, counts } = await run(base, s, DURATION);
        const failures = counts.bad + result.errors + result.timeouts;
        const rps = result.requests.average;
        if (s.name === 'ceiling' && failures === 0) ceiling = rps;
        rows.push({
          scenario: s.name,
          rps,
          p50: result.latency.p50,
          p99: result.latency.p99,
          requests: counts.ok + counts.bad,
          failures,
          firstFailure:
            counts.firstBad ??
            (result.errors ? `${result.errors} socket errors, ${result.timeouts} timeouts` : undefined),
          target: s.target,
          ratio: s.name === 'ceiling' ? (ceiling ? 1 : undefined) : ceiling ? rps / ceiling : undefined,
        });
      }
      console.log(formatTable(rows));
      const authorizerScenarios = chosen.filter((s) => s.target !== undefined);
      if (METRICS_COMPARE && authorizerScenarios.length) {
        const costs = await compareMetrics(server, authorizerScenarios);
        console.log(
          `\nmetrics on (BARONG_METRICS_ENABLED=true) vs off: a fresh API process per side and round, ${ROUNDS} rounds of ${roundSeconds()} s`,
        );
        console.log(formatMetricsCost(costs));
      }
      const cost = decisionCountCost();
      console.log(
        `one decision's count, in-process (${cost.calls} calls): allowed ${cost.allowedNs.toFixed(1)} ns, refused ${cost.refusedNs.toFixed(1)} ns`,
      );
    },
  );
}

// Run as a script (npm run bench:authz); imported by contract-bench.ts for its scenarios.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) runBench(main);
