/**
 * `npm run soak` (issue 14): a mixed workload for SOAK_MINUTES (default 10) against the compiled server as
 * `npm start` runs it (one process: API, outbox relay, workers; fresh database; mail to an SMTP sink here), to
 * find what only time shows: memory that grows, errors that start late.
 *
 * SOAK_CONCURRENCY loops (default 8) each run operations one after another, picked at random by weight: gateway
 * authz by session and by API key, GET resource/users/me, profile and label writes (Bearer), admin user lists,
 * logins and sign-ups (argon2id at production parameters). Every minute it prints each operation's count, the
 * unexpected answers and every process's RSS (the minute's peak). At the end it writes soak.svg beside
 * BENCHMARKS.md (RSS per minute per process, and errors), test/bench/results/soak.json, and rewrites BENCHMARKS.md.
 *
 * Fails (exit 1) when any answer was a 5xx or a socket error, or when the server's RSS in the last minute is above
 * its warm-up's peak × SOAK_RSS_FACTOR (default 1.25) + SOAK_RSS_SLACK_MB (default 20). The warm-up is the first
 * SOAK_WARMUP_MINUTES (default 2; the first minute alone when the run is no longer): while the load starts, V8 grows
 * its heap and the pools open their connections, which is the working size, not a leak. Each minute also reads the
 * server's V8 heap in use from its /metrics (loopback, as outside production), so RSS that grows while the heap
 * does not is told apart from a heap that grows. Other unexpected answers are reported, not fatal.
 * BENCH_SKIP_BUILD=1 measures the dist/ already there.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { runBench, withBenchServer } from './bench-server.js';
import { BENCH_USER_AGENT, createAuthFixture, loginWithOtp, signedHeaders, type Key } from './bench-fixtures.js';
import { BENCH_PASSWORD, createBenchUsers } from './bench-users.js';
import { RESULTS_DIR, writeReport } from './bench-report.js';
import { rssMb } from './bench-rss.js';
import { startSmtpSink } from './smtp-sink.js';

function setting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
  return value;
}

const MINUTES = Math.round(setting('SOAK_MINUTES', 10));
const CONCURRENCY = Math.round(setting('SOAK_CONCURRENCY', 8));
const RSS_FACTOR = setting('SOAK_RSS_FACTOR', 1.25);
const RSS_SLACK_MB = setting('SOAK_RSS_SLACK_MB', 20);
const WARMUP_MINUTES =
  MINUTES > Math.round(setting('SOAK_WARMUP_MINUTES', 2)) ? Math.round(setting('SOAK_WARMUP_MINUTES', 2)) : 1;
const API = '/api/v2/barong';
const GATEWAY = `${API}/auth/api/v2/peatio/account/balances`;

interface Session {
  base: string;
  cookie: string;
  bearer: string;
  adminCookie: string;
  loginEmail: string;
  runId: string;
}

interface Operation {
  name: string;
  weight: number;
  expect: number;
  request(
    s: Session,
    key: Key,
    n: number,
  ): { method?: string; path: string; headers?: Record<string, string>; body?: string };
}

const json = { 'Content-Type': 'application/json' };

const OPERATIONS: Operation[] = [
  {
    name: 'gateway, session',
    weight: 30,
    expect: 200,
    request: (s) => ({ path: GATEWAY, headers: { Cookie: s.cookie } }),
  },
  {
    name: 'gateway, API key',
    weight: 20,
    expect: 200,
    request: (_s, key) => ({ path: GATEWAY, headers: signedHeaders(key) }),
  },
  {
    name: 'users/me',
    weight: 10,
    expect: 200,
    request: (s) => ({ path: `${API}/resource/users/me`, headers: { Authorization: `Bearer ${s.bearer}` } }),
  },
  {
    name: 'profile write',
    weight: 8,
    expect: 200,
    request: (s, _k, n) => ({
      method: 'PUT',
      path: `${API}/resource/profiles`,
      headers: { ...json, Authorization: `Bearer ${s.bearer}` },
      body: JSON.stringify({ first_name: `Soak${n % 1000}`, city: `City${n % 97}` }),
    }),
  },
  {
    name: 'label write',
    weight: 8,
    expect: 200,
    request: (s, _k, n) => ({
      method: 'PATCH',
      path: `${API}/resource/labels/soak-label`,
      headers: { ...json, Authorization: `Bearer ${s.bearer}` },
      body: JSON.stringify({ value: `value-${n % 1000}` }),
    }),
  },
  {
    name: 'admin users',
    weight: 10,
    expect: 200,
    request: (s) => ({ path: `${API}/admin/users?state=active&limit=25`, headers: { Cookie: s.adminCookie } }),
  },
  {
    name: 'login',
    weight: 4,
    expect: 201,
    request: (s) => ({
      method: 'POST',
      path: `${API}/identity/sessions`,
      headers: json,
      body: JSON.stringify({ email: s.loginEmail, password: BENCH_PASSWORD }),
    }),
  },
  {
    name: 'sign-up',
    weight: 4,
    expect: 201,
    request: (s, _k, n) => ({
      method: 'POST',
      path: `${API}/identity/users`,
      headers: json,
      body: JSON.stringify({ email: `soak.${s.runId}.${n}@bench.example.com`, password: BENCH_PASSWORD }),
    }),
  },
];

const TOTAL_WEIGHT = OPERATIONS.reduce((sum, op) => sum + op.weight, 0);

function pick(): Operation {
  let r = Math.random() * TOTAL_WEIGHT;
  for (const op of OPERATIONS) if ((r -= op.weight) < 0) return op;
  return OPERATIONS[0]!;
}

interface MinuteStats {
  minute: number;
  counts: Record<string, number>;
  unexpected: number;
  serverErrors: number;
  firstUnexpected?: string;
  /** Peak RSS of each process during the minute, MB. */
  rss: Record<string, number>;
  /** The server's V8 heap in use at the minute's end, MB (from its /metrics), when it could be read. */
  heapUsedMb?: number;
}

/** The server's V8 heap in use, MB, from prom-client's default metrics on its /metrics (loopback outside production). */
async function heapUsedMb(base: string): Promise<number | undefined> {
  try {
    const res = await fetch(`${base}/metrics`, { headers: { 'User-Agent': BENCH_USER_AGENT } });
    const line = /^barong_nodejs_heap_size_used_bytes (\d+(?:\.\d+)?(?:e\+?\d+)?)$/m.exec(await res.text());
    return line ? Number(line[1]) / 1024 / 1024 : undefined;
  } catch {
    return undefined;
  }
}

function newMinute(minute: number): MinuteStats {
  return { minute, counts: {}, unexpected: 0, serverErrors: 0, rss: {} };
}

/** The Bearer token the gateway hands upstream for the session (refreshed each minute: it expires). */
async function bearerFor(base: string, cookie: string): Promise<string> {
  const res = await fetch(`${base}${GATEWAY}`, { headers: { Cookie: cookie, 'User-Agent': BENCH_USER_AGENT } });
  const token = res.headers.get('authorization')?.replace(/^Bearer /, '');
  if (res.status !== 200 || !token) throw new Error(`gateway gave no token: ${res.status}`);
  return token;
}

async function call(s: Session, r: ReturnType<Operation['request']>): Promise<{ status: number; body: string }> {
  const res = await fetch(`${s.base}${r.path}`, {
    method: r.method ?? 'GET',
    headers: { 'User-Agent': BENCH_USER_AGENT, ...r.headers },
    body: r.body,
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, body: await res.text() };
}

/** The minutes as an SVG line chart: RSS of each process (left axis), unexpected answers as bars. */
function soakSvg(minutes: MinuteStats[], names: string[], bound: number): string {
  const w = 760;
  const h = 360;
  const left = 60;
  const top = 40;
  const plotW = w - left - 180;
  const plotH = h - top - 50;
  const maxRss = Math.max(bound, ...minutes.flatMap((m) => Object.values(m.rss))) * 1.1;
  const maxErr = Math.max(1, ...minutes.map((m) => m.unexpected));
  const x = (i: number) => left + (minutes.length <= 1 ? plotW / 2 : (i / (minutes.length - 1)) * plotW);
  const y = (mb: number) => top + plotH - (mb / maxRss) * plotH;
  const colours = ['#1f6fb4', '#e08a1e', '#3a9d4a', '#8e44ad'];
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">npm run soak: RSS per minute (peak), unexpected answers (bars)</text>`,
  ];
  for (let t = 0; t <= 4; t++) {
    const mb = (maxRss / 4) * t;
    parts.push(
      `<line x1="${left}" y1="${y(mb)}" x2="${left + plotW}" y2="${y(mb)}" stroke="#eee"/>`,
      `<text x="${left - 6}" y="${y(mb) + 4}" text-anchor="end" fill="#666">${mb.toFixed(0)} MB</text>`,
    );
  }
  minutes.forEach((m, i) => {
    const barH = (m.unexpected / maxErr) * (plotH / 4);
    if (m.unexpected)
      parts.push(
        `<rect x="${x(i) - 6}" y="${top + plotH - barH}" width="12" height="${barH}" fill="#d0463c" opacity="0.6"/>`,
      );
    parts.push(`<text x="${x(i)}" y="${top + plotH + 18}" text-anchor="middle" fill="#666">${m.minute}</text>`);
  });
  parts.push(
    `<line x1="${left}" y1="${y(bound)}" x2="${left + plotW}" y2="${y(bound)}" stroke="#d0463c" stroke-dasharray="6 4"/>`,
    `<text x="${left + plotW + 8}" y="${y(bound) + 4}" fill="#d0463c">server bound ${bound.toFixed(0)} MB</text>`,
    `<text x="${left + plotW / 2}" y="${h - 8}" text-anchor="middle" fill="#666">minute</text>`,
  );
  names.forEach((name, k) => {
    const points = minutes.map((m, i) => `${x(i)},${y(m.rss[name] ?? 0)}`).join(' ');
    parts.push(
      `<polyline points="${points}" fill="none" stroke="${colours[k % colours.length]}" stroke-width="2"/>`,
      `<text x="${left + plotW + 8}" y="${top + 16 * k + 12}" fill="${colours[k % colours.length]}">${name.split(' ')[0]}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
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
    BARONG_SMTP_HOST: '127.0.0.1',
    BARONG_SMTP_PORT: String(smtp.port),
  };
  let failure: string | undefined;
  try {
    await withBenchServer(
      overrides,
      async (env) => ({
        member: await createAuthFixture(env, { email: `member.${runId}@bench.example.com`, keyCount: CONCURRENCY }),
        admin: await createAuthFixture(env, {
          email: `admin.${runId}@bench.example.com`,
          role: 'superadmin',
          keyCount: 0,
        }),
        login: (await createBenchUsers(env, [{ email: `login.${runId}@bench.example.com`, state: 'active' }]))[0]!,
      }),
      async ({ base, pid }, fx) => {
        const cookie = await loginWithOtp(base, fx.member);
        const s: Session = {
          base,
          cookie,
          bearer: await bearerFor(base, cookie),
          adminCookie: await loginWithOtp(base, fx.admin),
          loginEmail: fx.login,
          runId,
        };
        // The profile and label the write operations edit.
        for (const [path, body] of [
          [`${API}/resource/profiles`, { first_name: 'Soak', last_name: 'Test', city: 'City' }],
          [`${API}/resource/labels`, { key: 'soak-label', value: 'value-0' }],
        ] as const) {
          const r = await call(s, {
            method: 'POST',
            path,
            headers: { ...json, Authorization: `Bearer ${s.bearer}` },
            body: JSON.stringify(body),
          });
          if (r.status !== 201) throw new Error(`soak setup: POST ${path} answered ${r.status} ${r.body}`);
        }
        const processes = [
          { name: 'server (npm start: API + workers)', pid },
          { name: 'soak driver', pid: process.pid },
        ];
        const names = processes.map((p) => p.name);
        const minutes: MinuteStats[] = [];
        let current = newMinute(1);
        const sampleRss = () => {
          for (const p of processes) current.rss[p.name] = Math.max(current.rss[p.name] ?? 0, rssMb(p.pid) ?? 0);
        };
        const sampler = setInterval(sampleRss, 1000);
        const end = Date.now() + MINUTES * 60_000;
        let n = 0;
        const loop = async (key: Key) => {
          while (Date.now() < end) {
            const op = pick();
            const stats = current;
            stats.counts[op.name] = (stats.counts[op.name] ?? 0) + 1;
            try {
              const r = await call(s, op.request(s, key, ++n));
              if (r.status !== op.expect) {
                stats.unexpected += 1;
                if (r.status >= 500) stats.serverErrors += 1;
                stats.firstUnexpected ??= `${op.name}: ${r.status} ${r.body.slice(0, 160)}`;
              }
            } catch (err) {
              stats.unexpected += 1;
              stats.serverErrors += 1;
              stats.firstUnexpected ??= `${op.name}: ${(err as Error).message}`;
            }
          }
        };
        console.log(`soak: ${MINUTES} min, ${CONCURRENCY} loops, fresh database, server pid ${pid}`);
        const loops = Promise.all(fx.member.keys.map((key) => loop(key)));
        for (let m = 1; m <= MINUTES; m++) {
          await Promise.race([sleep(Math.max(0, end - (MINUTES - m) * 60_000 - Date.now())), loops]);
          sampleRss();
          current.heapUsedMb = await heapUsedMb(base);
          minutes.push(current);
          const total = Object.values(current.counts).reduce((a, b) => a + b, 0);
          console.log(
            `minute ${m}: ${total} operations (${Object.entries(current.counts)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')}); unexpected ${current.unexpected} (5xx/socket ${current.serverErrors})` +
              `${current.firstUnexpected ? ` first: ${current.firstUnexpected}` : ''}; RSS ${names
                .map((name) => `${name.split(' ')[0]} ${current.rss[name]!.toFixed(0)} MB`)
                .join(', ')}` +
              (current.heapUsedMb === undefined ? '' : `; server heap in use ${current.heapUsedMb.toFixed(0)} MB`),
          );
          current = newMinute(m + 1);
          s.bearer = await bearerFor(base, cookie);
        }
        await loops;
        clearInterval(sampler);
        const server = names[0]!;
        const first = Math.max(...minutes.slice(0, WARMUP_MINUTES).map((m) => m.rss[server]!));
        const last = minutes.at(-1)!.rss[server]!;
        const bound = first * RSS_FACTOR + RSS_SLACK_MB;
        const warmup = WARMUP_MINUTES === 1 ? 'the first minute' : `the first ${WARMUP_MINUTES} minutes' peak`;
        const serverErrors = minutes.reduce((sum, m) => sum + m.serverErrors, 0);
        const unexpected = minutes.reduce((sum, m) => sum + m.unexpected, 0);
        const verdict =
          serverErrors > 0
            ? `FAILED: ${serverErrors} answers were 5xx or socket errors`
            : last > bound
              ? `FAILED: server RSS ${last.toFixed(0)} MB in the last minute > ${first.toFixed(0)} MB (${warmup}) × ${RSS_FACTOR} + ${RSS_SLACK_MB} MB = ${bound.toFixed(0)} MB`
              : `passed: server RSS ${first.toFixed(0)} MB (${warmup}) → ${last.toFixed(0)} MB in the last minute (bound ${bound.toFixed(0)} MB), no 5xx; ${unexpected} other unexpected answers`;
        console.log(`soak ${verdict}`);
        if (verdict.startsWith('FAILED')) failure = verdict;
        mkdirSync(RESULTS_DIR, { recursive: true });
        writeFileSync(
          `${RESULTS_DIR}/soak.json`,
          `${JSON.stringify({ date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), minutes: MINUTES, concurrency: CONCURRENCY, verdict, bound, perMinute: minutes }, null, 2)}\n`,
        );
        writeFileSync('soak.svg', soakSvg(minutes, names, bound));
      },
      ['dist/jobs/main.js', '--with-api'],
    );
  } finally {
    await smtp.close();
  }
  writeReport();
  if (failure) throw new Error(`soak ${failure}`);
}

runBench(main);
