/**
 * A local stand-in for the parts of Twilio's HTTP API the server uses, reached by the real `twilio` client through
 * BARONG_TWILIO_API_BASE: Messages (Programmable SMS) and Verify (verifications and checks), with Basic auth and
 * Twilio's error bodies (`{code, message, more_info, status}`). It records what it got, so a test reads the code
 * that "reached the phone". Failures are scripted per endpoint and number (`failWith`).
 *
 * For processes that cannot call it in-process (the Dredd hooks): `GET /_stand-in/code?to=+1…&n=1` answers the
 * code of the n-th SMS or Verify challenge to that number, waiting up to 10 s for it; `POST /_stand-in/fail` with
 * `endpoint, to, status, code, times` (form) scripts a failure as `failWith` does.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomInt } from 'node:crypto';
import { until } from './wait.js';

export const TEST_ACCOUNT_SID = `AC${'a1'.repeat(16)}`;
export const TEST_AUTH_TOKEN = 'twilio-stand-in-token';
export const TEST_SERVICE_SID = `VA${'b2'.repeat(16)}`;
export const TEST_FROM_NUMBER = '+15005550000';

/** Twilio errors that refuse a message for good, with the key the user is told: never worth a retry. */
export const TWILIO_REFUSALS: ReadonlyArray<[number, string]> = [
  [21612, 'resource.phone.num_not_reachable'],
  [21614, 'resource.phone.num_not_valid'],
  [21618, 'resource.phone.sms_content_invalid'],
  [21610, 'resource.phone.unsubscribed_recipient'],
];

export type TwilioEndpoint = 'messages' | 'verifications' | 'checks';

export interface SentSms {
  sid: string;
  to: string;
  from: string;
  body: string;
}

export interface VerifyChallenge {
  sid: string;
  to: string;
  channel: string;
  /** Made by "Twilio": the code the user would receive. */
  code: string;
  status: 'pending' | 'approved' | 'canceled';
}

/** An HTTP error answer (Twilio's error body), or `reset` to drop the connection (a network failure). */
export type Failure = { status: number; code?: number; message?: string } | 'reset';

interface Rule {
  endpoint: TwilioEndpoint;
  to?: string;
  failure: Failure;
  /** How many requests it still fails; Infinity until `clearFailures`. */
  remaining: number;
}

export interface TwilioStandIn {
  url: string;
  /** SMS accepted, in order. */
  messages: SentSms[];
  /** Verify challenges started, in order. */
  verifications: VerifyChallenge[];
  /** Every request by endpoint and number, accepted or not. */
  requests: { endpoint: TwilioEndpoint | 'other'; to: string | null; status: number }[];
  /** The next `times` requests to `endpoint` (for `to`, or any number) fail this way. */
  failWith(endpoint: TwilioEndpoint, failure: Failure, options?: { to?: string; times?: number }): void;
  clearFailures(): void;
  /** The n-th (1-based) SMS to `to`, waiting for it. */
  waitForSms(to: string, n?: number, timeoutMs?: number): Promise<SentSms>;
  /** The code of the n-th SMS or Verify challenge to `to`, waiting for it. */
  codeFor(to: string, n?: number, timeoutMs?: number): Promise<string>;
  /** Requests to `endpoint` for `to` so far. */
  count(endpoint: TwilioEndpoint, to: string): number;
  close(): Promise<void>;
}

const sid = (prefix: string) => prefix + randomBytes(16).toString('hex');

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** The last run of 4–10 digits in an SMS body: the code. */
function codeIn(body: string): string | undefined {
  return [...body.matchAll(/\d{4,10}/g)].pop()?.[0];
}

export async function startTwilioStandIn(
  credentials: { accountSid?: string; authToken?: string; serviceSid?: string } = {},
): Promise<TwilioStandIn> {
  const accountSid = credentials.accountSid ?? TEST_ACCOUNT_SID;
  const authToken = credentials.authToken ?? TEST_AUTH_TOKEN;
  const serviceSid = credentials.serviceSid ?? TEST_SERVICE_SID;
  const messages: SentSms[] = [];
  const verifications: VerifyChallenge[] = [];
  const requests: TwilioStandIn['requests'] = [];
  let rules: Rule[] = [];

  const challengesTo = (to: string) => verifications.filter((v) => v.to === to);
  const codes = (to: string): string[] => [
    ...messages.filter((m) => m.to === to).map((m) => codeIn(m.body) ?? ''),
    ...challengesTo(to).map((v) => v.code),
  ];

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const json = (status: number, body: object) => {
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    };
    const twilioError = (status: number, code: number | undefined, message: string) =>
      json(status, {
        code,
        message,
        more_info: code ? `https://www.twilio.com/docs/errors/${code}` : undefined,
        status,
      });

    if (req.method === 'GET' && url.pathname === '/_stand-in/code') {
      const to = url.searchParams.get('to') ?? '';
      const n = Number(url.searchParams.get('n') ?? '1');
      try {
        json(200, { code: await until(() => codes(to)[n - 1], { timeoutMs: 10_000, intervalMs: 20 }) });
      } catch {
        json(404, { error: `no code #${n} for ${to}` });
      }
      return;
    }

    const form = await readForm(req);
    if (req.method === 'POST' && url.pathname === '/_stand-in/fail') {
      const failure = {
        status: Number(form.get('status') ?? 400),
        ...(form.get('code') ? { code: Number(form.get('code')) } : {}),
      };
      rules.push({
        endpoint: (form.get('endpoint') ?? 'messages') as TwilioEndpoint,
        failure,
        remaining: Number(form.get('times') ?? 1),
        ...(form.get('to') ? { to: form.get('to')! } : {}),
      });
      return json(201, { scripted: true });
    }
    const to = form.get('To');
    const endpoint: TwilioEndpoint | 'other' =
      req.method !== 'POST'
        ? 'other'
        : url.pathname === `/2010-04-01/Accounts/${accountSid}/Messages.json`
          ? 'messages'
          : url.pathname === `/v2/Services/${serviceSid}/Verifications`
            ? 'verifications'
            : url.pathname === `/v2/Services/${serviceSid}/VerificationCheck`
              ? 'checks'
              : 'other';
    const record = (status: number) => requests.push({ endpoint, to, status });

    const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      record(401);
      return twilioError(401, 20003, 'Authentication Error - invalid username');
    }
    if (endpoint === 'other') {
      record(404);
      return twilioError(404, 20404, `The requested resource ${url.pathname} was not found`);
    }
    const rule = rules.find((r) => r.endpoint === endpoint && r.remaining > 0 && (!r.to || r.to === to));
    if (rule) {
      rule.remaining -= 1;
      if (rule.failure === 'reset') {
        record(0);
        return void req.socket.destroy();
      }
      record(rule.failure.status);
      return twilioError(rule.failure.status, rule.failure.code, rule.failure.message ?? `Scripted failure for ${to}`);
    }
    if (!to) {
      record(400);
      return twilioError(400, 21604, "A 'To' phone number is required.");
    }

    const now = new Date().toUTCString();
    if (endpoint === 'messages') {
      const sms = { sid: sid('SM'), to, from: form.get('From') ?? '', body: form.get('Body') ?? '' };
      messages.push(sms);
      record(201);
      return json(201, {
        sid: sms.sid,
        account_sid: accountSid,
        to: sms.to,
        from: sms.from,
        body: sms.body,
        status: 'queued',
        direction: 'outbound-api',
        num_segments: '1',
        api_version: '2010-04-01',
        date_created: now,
        date_updated: now,
        uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sms.sid}.json`,
      });
    }
    if (endpoint === 'verifications') {
      // Like Verify: a new challenge replaces the pending one.
      for (const v of challengesTo(to)) if (v.status === 'pending') v.status = 'canceled';
      const challenge: VerifyChallenge = {
        sid: sid('VE'),
        to,
        channel: form.get('Channel') ?? 'sms',
        code: String(randomInt(100000, 1000000)),
        status: 'pending',
      };
      verifications.push(challenge);
      record(201);
      return json(201, {
        sid: challenge.sid,
        service_sid: serviceSid,
        account_sid: accountSid,
        to,
        channel: challenge.channel,
        status: 'pending',
        valid: false,
        date_created: now,
      });
    }
    // checks
    const pending = challengesTo(to).find((v) => v.status === 'pending');
    if (!pending) {
      record(404);
      return twilioError(404, 20404, `The requested resource /Services/${serviceSid}/VerificationCheck was not found`);
    }
    const approved = form.get('Code') === pending.code;
    if (approved) pending.status = 'approved';
    record(200);
    return json(200, {
      sid: pending.sid,
      service_sid: serviceSid,
      account_sid: accountSid,
      to,
      channel: pending.channel,
      status: approved ? 'approved' : 'pending',
      valid: approved,
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    messages,
    verifications,
    requests,
    failWith(endpoint, failure, options = {}) {
      rules.push({
        endpoint,
        failure,
        remaining: options.times ?? Infinity,
        ...(options.to ? { to: options.to } : {}),
      });
    },
    clearFailures() {
      rules = [];
    },
    waitForSms(to, n = 1, timeoutMs = 10_000) {
      const what = `Twilio stand-in: SMS #${n} to ${to}`;
      return until(() => messages.filter((m) => m.to === to)[n - 1], { timeoutMs, intervalMs: 20, what });
    },
    codeFor(to, n = 1, timeoutMs = 10_000) {
      return until(() => codes(to)[n - 1], {
        timeoutMs,
        intervalMs: 20,
        what: `Twilio stand-in: code #${n} for ${to}`,
      });
    },
    count(endpoint, to) {
      return requests.filter((r) => r.endpoint === endpoint && r.to === to).length;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
