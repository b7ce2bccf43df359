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
 * opt-in `healthz` adds GET /healthz, which skips the contract validator as the authorizer does).
 * Not part of the test suite: nothing here asserts a timing.
 */
import { API_KEY_CHANGED } from '../../src/domain/authz/authorizer-invalidation.js';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { generate, generateSecret } from 'otplib';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/lib/logger.js';
import { createServices } from '../../src/compose.js';
import { newUid } from '../../src/domain/accounts/uid.js';
import { newKid, newSecret } from '../../src/domain/api-keys/api-key-rules.js';
import { hmacHex } from '../../src/domain/api-keys/api-key-secrets.js';
import { formatTable, type Row } from './bench-table.js';
import { runBench, withBenchServer } from './bench-server.js';

export const PASSWORD = 'B3nch-Fixture!Secret';
export const USER_AGENT = 'barong-bench/1.0';
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

export interface Key {
  kid: string;
  secret: string;
  /** The last nonce signed with this key. */
  lastNonce: number;
}

export interface Fixture {
  email: string;
  uid: string;
  otpSecret: string;
  keys: Key[];
}

/** An active member (e-mail verified, 2FA on) with `keyCount` active HS256 keys, made through the app's services. */
export async function createFixture(env: NodeJS.ProcessEnv, keyCount: number): Promise<Fixture> {
  const services = await createServices(loadConfig(env), createLogger('silent'));
  try {
    const { uow, hasher, privateLabels, encryptor } = services;
    const otpSecret = generateSecret();
    const passwordDigest = await hasher.hash(PASSWORD);
    const user = await uow.run(async (w) => {
      const uid = await newUid(w.repos, services.config.app.uidPrefix);
      const inserted = await w.repos.users.insert({
        uid,
        email: 'bench.member@example.com',
        passwordDigest,
        role: 'member',
        state: 'pending',
        level: 0,
      });
      await w.repos.users.update(inserted.id, { otp: true, otpSecretEncrypted: encryptor.encrypt(otpSecret) });
      return privateLabels.set(w, { ...inserted, otp: true }, 'email', 'verified');
    });
    if (user.state !== 'active') throw new Error(`fixture user is ${user.state}, expected active`);
    const keys: Key[] = [];
    for (let i = 0; i < keyCount; i++) {
      const secret = newSecret();
      const kid = await uow.run(async (w) => {
        const k = await newKid(w.repos);
        const row = {
          kid: k,
          algorithm: 'HS256',
          scope: ['read', 'trade'],
          secretEncrypted: encryptor.encrypt(secret),
          state: 'active',
        };
        await w.repos.apiKeys.insert({ type: 'User', id: user.id }, row);
        w.emit(API_KEY_CHANGED, { kid: k }); // as the service does: the gateway authorizer learns the kid
        return k;
      });
      keys.push({ kid, secret, lastNonce: 0 });
    }
    return { email: user.email, uid: user.uid, otpSecret, keys };
  } finally {
    await services.close();
  }
}

/** Logs in as a browser would (2FA code included); answers the `name=value` session cookie. */
export async function login(base: string, f: Fixture): Promise<string> {
  const res = await fetch(`${base}/api/v2/barong/identity/sessions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'User-Agent': USER_AGENT },
    body: JSON.stringify({ email: f.email, password: PASSWORD, otp_code: await generate({ secret: f.otpSecret }) }),
  });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('_barong_session='));
  if (res.status !== 201 || !cookie) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return cookie.split(';')[0]!;
}

/** X-Auth-* headers for the next request with this key: a nonce never used before with it, and its signature. */
export function signedHeaders(key: Key): Record<string, string> {
  key.lastNonce = Math.max(Date.now(), key.lastNonce + 1);
  const nonce = String(key.lastNonce);
  return {
    'X-Auth-Apikey': key.kid,
    'X-Auth-Nonce': nonce,
    'X-Auth-Signature': hmacHex('HS256', key.secret, nonce + key.kid),
  };
}

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
    (env) => createFixture(env, CONNECTIONS),
    async ({ base }, fixture) => {
      const cookie = await login(base, fixture);
      const rows: Row[] = [];
      let ceiling: number | undefined;
      console.log(
        `authz benchmark: ${CONNECTIONS} connections, pipelining ${PIPELINING}, ${WARMUP} s warm-up + ${DURATION} s per scenario`,
      );
      for (const s of scenarios(cookie, fixture.keys).filter((x) => SCENARIOS.includes(x.name))) {
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
    },
  );
}

// Also a library: test/bench/contract-bench.ts runs these scenarios next to its own.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) runBench(main);
