/**
 * The contract fuzzer (issue 8, item 14): a real app on its own database and Redis prefix (NODE_ENV=test, so
 * handlers' answers are checked against the contract too), real principals, `count` seeded requests spread over
 * every operation, each answer judged by the oracle. Bounded in time: it stops at `maxSeconds` and says so.
 * The report lists every offending answer (operation, request, status, body, and for a 5xx the logged cause) and
 * the status distribution per operation; an operation that never got past its guard is an offence too.
 */
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { startTestApp } from '../support/app.js';
import { listen, rawRequest, type RawResponse } from '../support/raw-http.js';
import { contractOperations, Generator, type Plan } from './generate.js';
import { Oracle } from './oracle.js';
import { changesPolicy, restorePolicy } from './policy-reset.js';
import { createPrincipal, apiKeyHeaders, USER_AGENT, type Principal } from './principals.js';
import { TOTP } from './values.js';
import { totpCode } from '../support/factories.js';
import { formatReport, type Offence, type FuzzResult } from './report.js';
import { managementKeys } from '../support/management-client.js';

export interface FuzzOptions {
  seed: number;
  count: number;
  maxSeconds: number;
}

/**
 * The fuzz server's settings, in one place: limits high enough that the fuzzer's own traffic from one address
 * never locks it out (add BARONG_SIGNUP_MAX_PER_IP and the like here when they exist).
 */
const managementSigners = managementKeys();

export const FUZZ_APP_ENV: Record<string, string> = {
  BARONG_MANAGEMENT_API_CONFIG: managementSigners.file,
  BARONG_LOGIN_MAX_ATTEMPTS_PER_IP: '1000000',
  BARONG_CODE_REQUESTS_MAX_PER_IP: '1000000',
  BARONG_USER_STORAGE_TITLES: 'company,personal',
};

function credentials(plan: Plan, p: Principal): Record<string, string> {
  const session = { Cookie: p.cookie, 'User-Agent': USER_AGENT };
  switch (plan.credential) {
    case 'bearer':
      return { Authorization: `Bearer ${p.token}` };
    case 'session':
      return { ...session, 'X-CSRF-Token': p.csrf };
    case 'session-no-csrf':
      return session;
    case 'apikey':
      return apiKeyHeaders(p);
    case 'apikey-bad-signature':
      return { ...apiKeyHeaders(p), 'X-Auth-Signature': 'f'.repeat(64) };
    case 'bad-cookie':
      return { Cookie: `_barong_session=%%%${p.cookie.slice(-8)}; _barong_session=x`, 'X-CSRF-Token': 'x' };
    case 'bad-bearer':
      return { Authorization: `Bearer ${p.token.slice(0, -4)}AAAA` };
    default:
      return {};
  }
}

/**
 * The management API's bodies travel signed: a JSON object the generator made becomes the signed request's `data`
 * (so the fuzzed values reach the validator and the handler); anything else is sent as it is, for the transport.
 */
async function signedForManagement(body: Buffer | undefined): Promise<Buffer | undefined> {
  let data: unknown;
  try {
    data = JSON.parse(body?.toString('utf8') ?? '{}');
  } catch {
    return body;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return body;
  return Buffer.from(JSON.stringify(await managementSigners.sign(data, ['applogic', 'peatio'])));
}

async function withTotp(body: Buffer | undefined, p: Principal): Promise<Buffer | undefined> {
  if (!body || !body.includes(TOTP)) return body;
  return Buffer.from(body.toString('latin1').replaceAll(TOTP, await totpCode(p.otpSecret)), 'latin1');
}

/** The app's error log, kept so a 5xx can be reported with its cause. */
function errorLog(): { logger: Logger; last: () => string | undefined } {
  let last: string | undefined;
  const sink = new Writable({
    write(chunk, _enc, done) {
      const entry = JSON.parse(String(chunk));
      last = `${entry.msg}: ${entry.err?.message ?? ''}`.slice(0, 500);
      done();
    },
  });
  return { logger: pino({ level: 'error' }, sink) as Logger, last: () => last };
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzResult> {
  const log = errorLog();
  const t = await startTestApp(FUZZ_APP_ENV, { logger: log.logger });
  const server = await listen(t.app);
  const started = Date.now();
  const offences: Offence[] = [];
  const distribution = new Map<string, Map<number, number>>();
  const pastGuard = new Set<string>();
  let sent = 0;
  try {
    const { basePath, operations } = contractOperations();
    const principals = new Map<string, Principal>();
    for (const op of operations) principals.set(op.id, await createPrincipal(t, op.admin ? 'superadmin' : 'member'));
    const generator = new Generator(basePath, opts.seed);
    const oracle = new Oracle();
    for (; sent < opts.count; sent++) {
      if ((Date.now() - started) / 1000 > opts.maxSeconds) break;
      const op = operations[sent % operations.length]!;
      const principal = principals.get(op.id)!;
      const plan = generator.plan(op, sent, principal);
      const headers = { ...credentials(plan, principal), ...plan.headers };
      const totpBody = await withTotp(plan.body, principal);
      const body = op.management ? await signedForManagement(totpBody) : totpBody;
      let answer: RawResponse;
      const before = log.last();
      try {
        answer = await rawRequest(server.port, {
          method: plan.method.toUpperCase(),
          path: plan.target,
          headers,
          body,
          timeoutMs: 15_000,
        });
      } catch (err) {
        offences.push({ plan, headers, status: 0, body: '', problems: [`no answer: ${(err as Error).message}`] });
        continue;
      }
      const byStatus = distribution.get(op.id) ?? new Map<number, number>();
      byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
      distribution.set(op.id, byStatus);
      if (changesPolicy(plan)) await restorePolicy(t);
      if (!plan.respelled && answer.status !== 401 && !answer.text.includes('identity.session.not_found'))
        pastGuard.add(op.id);
      const contentType = String(answer.headers['content-type'] ?? '');
      const management = new RegExp(`^${basePath}/management([/?]|$)`).test(plan.target);
      const problems = oracle.judge(
        op,
        plan.method,
        plan.respelled,
        { status: answer.status, contentType, text: answer.text },
        management,
      );
      if (problems.length) {
        const cause = log.last() !== before ? log.last() : undefined;
        offences.push({ plan, headers, status: answer.status, body: answer.text, problems, cause });
      }
    }
    const neverPast = operations.filter((op) => !pastGuard.has(op.id)).map((op) => op.id);
    return {
      options: opts,
      sent,
      seconds: (Date.now() - started) / 1000,
      offences,
      distribution,
      neverPast,
      stoppedEarly: sent < opts.count,
    };
  } finally {
    await server.close();
    await t.close();
  }
}

export { formatReport };
