/**
 * The phases of `npm run bench`, one module-level entry each: what it loads, what it is compared with, and its
 * target. A phase measures against the running server with the context's fixtures; the table keeps their order.
 * Targets are issue 14's: a ratio of this phase's requests/s to its reference phase's (the bare /healthz unless
 * said otherwise), measured in the same run. The machine is shared, so each reference is measured twice, around
 * what is compared with it (the bare endpoint first and last, raw argon2id before and after login), and its row is
 * the mean of both.
 */
import { performance } from 'node:perf_hooks';
import { hash, verify } from '@node-rs/argon2';
import type { Config } from '../../src/config/index.js';
import { measure, percentile, type Measured } from './bench-load.js';
import { BENCH_USER_AGENT, signedHeaders, type Key } from './bench-fixtures.js';
import { BENCH_PASSWORD } from './bench-users.js';

export interface BenchContext {
  base: string;
  seconds: number;
  warmupSeconds: number;
  /** autocannon connections for the cheap requests. */
  connections: number;
  /** Requests in flight for the argon2 phases (login, sign-up, raw verify). */
  hashInFlight: number;
  memberCookie: string;
  memberBearer: string;
  keys: Key[];
  adminCookie: string;
  /** A user without 2FA whose password is BENCH_PASSWORD. */
  loginEmail: string;
  hashing: Config['hashing'];
  /** Unique per run: sign-up e-mails must not collide with an earlier run's on a kept database. */
  runId: string;
}

export interface Phase {
  name: string;
  /** The phase whose requests/s this one's target compares with; `healthz` when not given. */
  reference?: string;
  /** Minimum ratio to the reference; none for phases measured for the record. */
  target?: number;
  run(ctx: BenchContext): Promise<Measured>;
}

export const BARE = 'bare /healthz';
export const ARGON2 = 'raw argon2id verify';
export const LOGIN = 'login (POST identity/sessions)';
const API = '/api/v2/barong';
const GATEWAY_PATH = `${API}/auth/api/v2/peatio/account/balances`;
const ua = { 'User-Agent': BENCH_USER_AGENT };

function cheap(ctx: BenchContext, path: string, extra: Partial<Parameters<typeof measure>[0]> = {}) {
  return measure({
    base: ctx.base,
    path,
    headers: ua,
    expectStatus: 200,
    connections: ctx.connections,
    seconds: ctx.seconds,
    warmupSeconds: ctx.warmupSeconds,
    ...extra,
  });
}

/** argon2id verifications at the server's parameters, `hashInFlight` at a time, in this process. */
async function argon2Rate(ctx: BenchContext): Promise<Measured> {
  const options = { algorithm: 2, ...ctx.hashing } as const;
  const digest = await hash(BENCH_PASSWORD, options);
  const durations: number[] = [];
  const loop = async (until: number, record: boolean) => {
    while (performance.now() < until) {
      const started = performance.now();
      if (!(await verify(digest, BENCH_PASSWORD))) throw new Error('argon2id verify refused its own digest');
      if (record) durations.push(performance.now() - started);
    }
  };
  const run = async (seconds: number, record: boolean) => {
    const until = performance.now() + seconds * 1000;
    await Promise.all(Array.from({ length: ctx.hashInFlight }, () => loop(until, record)));
  };
  await run(ctx.warmupSeconds, false);
  const started = performance.now();
  await run(ctx.seconds, true);
  const seconds = (performance.now() - started) / 1000;
  return {
    rps: durations.length / seconds,
    p50: percentile(durations, 50),
    p99: percentile(durations, 99),
    requests: durations.length,
    failures: 0,
  };
}

let signUps = 0;

export const PHASES: Phase[] = [
  { name: BARE, run: (ctx) => cheap(ctx, '/healthz') },
  { name: 'public/ping (validated contract)', target: 0.8, run: (ctx) => cheap(ctx, `${API}/public/ping`) },
  {
    name: 'resource/users/me, cookie',
    target: 0.4,
    run: (ctx) => cheap(ctx, `${API}/resource/users/me`, { headers: { ...ua, Cookie: ctx.memberCookie } }),
  },
  {
    name: 'resource/users/me, Bearer',
    target: 0.4,
    run: (ctx) =>
      cheap(ctx, `${API}/resource/users/me`, { headers: { ...ua, Authorization: `Bearer ${ctx.memberBearer}` } }),
  },
  {
    name: 'gateway authz, session',
    target: 0.9,
    run: (ctx) => cheap(ctx, GATEWAY_PATH, { headers: { ...ua, Cookie: ctx.memberCookie }, expectBearer: true }),
  },
  {
    name: 'gateway authz, API key',
    target: 0.85,
    run: (ctx) =>
      cheap(ctx, GATEWAY_PATH, {
        expectBearer: true,
        // One key per connection: a nonce is accepted once per key (bench-fixtures.ts).
        perRequestHeaders: (connection) => signedHeaders(ctx.keys[connection % ctx.keys.length]!),
      }),
  },
  { name: ARGON2, run: argon2Rate },
  {
    name: LOGIN,
    reference: ARGON2,
    target: 0.9,
    run: (ctx) =>
      cheap(ctx, `${API}/identity/sessions`, {
        method: 'POST',
        body: () => JSON.stringify({ email: ctx.loginEmail, password: BENCH_PASSWORD }),
        expectStatus: 201,
        connections: ctx.hashInFlight,
      }),
  },
  { name: ARGON2, run: argon2Rate },
  {
    name: 'sign-up (POST identity/users)',
    run: (ctx) =>
      cheap(ctx, `${API}/identity/users`, {
        method: 'POST',
        body: () =>
          JSON.stringify({ email: `signup.${ctx.runId}.${++signUps}@bench.example.com`, password: BENCH_PASSWORD }),
        expectStatus: 201,
        connections: ctx.hashInFlight,
      }),
  },
  {
    name: 'admin/users, filtered',
    run: (ctx) =>
      cheap(ctx, `${API}/admin/users?role=member&state=active&level=1&order_by=created_at&ordering=desc&limit=50`, {
        headers: { ...ua, Cookie: ctx.adminCookie },
      }),
  },
  { name: BARE, run: (ctx) => cheap(ctx, '/healthz') },
];
