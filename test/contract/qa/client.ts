/**
 * The runner's HTTP client for a server QA runs: form and JSON calls below the API base, browser sessions (cookie
 * and CSRF token, a TOTP code when the user has 2FA), and management calls signed with QA's key (the same JWS the
 * hooks send, support.cjs signManagement).
 */
import { randomUUID } from 'node:crypto';
import { GeneralSign, importPKCS8 } from 'jose';
import { generate } from 'otplib';
import type { ManagementKey } from './settings.js';

export const BASE = '/api/v2/barong';
const STEP_SECONDS = 30;

export interface Session {
  cookie: string;
  csrf: string;
}

export interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- whatever the server answered
  cookie?: string;
}

export const currentStep = (): number => Math.floor(Date.now() / 1000 / STEP_SECONDS);

/** The TOTP code of a base32 secret for a time step. */
export async function codeAt(secret: string, step: number): Promise<string> {
  return generate({ secret, epoch: step * STEP_SECONDS });
}

/** Waits until the clock is in a step after `step` (a code of `step` was spent: the server refuses it again). */
export async function waitForStepAfter(step: number): Promise<void> {
  const wait = (step + 1) * STEP_SECONDS * 1000 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait + 200));
}

export class ServerClient {
  /** The latest time step whose code the runner spent, per user: a later login waits past it. */
  private readonly spent = new Map<string, number>();

  constructor(
    readonly server: string,
    private readonly managementKey?: ManagementKey,
  ) {}

  get hasManagement(): boolean {
    return Boolean(this.managementKey);
  }

  async call(
    method: string,
    path: string,
    options: { form?: Record<string, string>; json?: unknown; session?: Session } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { 'User-Agent': 'Dredd/contract' };
    let body: string | undefined;
    if (options.form) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    } else if (options.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    if (options.session) {
      headers.Cookie = options.session.cookie;
      headers['X-CSRF-Token'] = options.session.csrf;
    }
    const res = await fetch(this.server + BASE + path, { method, headers, body });
    const text = await res.text();
    let data: unknown = text;
    try {
      data = JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    const session = /(_barong_session=[^;]+)/.exec(res.headers.get('set-cookie') ?? '');
    return { status: res.status, body: data, ...(session ? { cookie: session[1] } : {}) };
  }

  /** Calls and insists on `status`, naming the step in the error. */
  async expect(status: number, what: string, ...args: Parameters<ServerClient['call']>): Promise<Answer> {
    const res = await this.call(...args);
    if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  }

  /** Notes that a code of `step` was spent for `email` (outside login: enabling 2FA, making keys). */
  spentCode(email: string, step: number): void {
    this.spent.set(email, Math.max(step, this.spent.get(email) ?? -Infinity));
  }

  /** The latest step spent for any user: Dredd's logins wait past it. */
  latestSpentStep(): number {
    return Math.max(-Infinity, ...this.spent.values());
  }

  async login(email: string, password: string, otpSecret?: string): Promise<Session> {
    const form: Record<string, string> = { email, password };
    if (otpSecret) {
      await waitForStepAfter(this.spent.get(email) ?? -Infinity);
      const step = currentStep();
      form.otp_code = await codeAt(otpSecret, step);
      this.spentCode(email, step);
    }
    const res = await this.expect(201, `login of ${email}`, 'POST', '/identity/sessions', { form });
    return { cookie: res.cookie!, csrf: res.body.csrf_token };
  }

  /** A management call signed by QA's key (there must be one). */
  async managementCall(path: string, data: unknown): Promise<Answer> {
    const key = this.managementKey;
    if (!key) throw new Error(`management ${path}: no DREDD_QA_MANAGEMENT_KEY`);
    const now = Math.floor(Date.now() / 1000);
    const payload = { iat: now, exp: now + 60, jti: randomUUID(), data };
    const jws = await new GeneralSign(new TextEncoder().encode(JSON.stringify(payload)))
      .addSignature(await importPKCS8(key.pem, key.algorithm))
      .setProtectedHeader({ alg: key.algorithm })
      .setUnprotectedHeader({ kid: key.signer })
      .sign();
    return this.call('POST', `/management${path}`, { json: jws });
  }

  async management(status: number, what: string, path: string, data: unknown): Promise<Answer> {
    const res = await this.managementCall(path, data);
    if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  }
}
