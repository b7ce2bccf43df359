/**
 * The one place the Twilio client is made (API: Verify checks; worker: sends) and its errors are read.
 * `BARONG_TWILIO_API_BASE` points the real client (its request building, auth and error parsing) at another
 * host — a local stand-in in tests — by rewriting only the scheme and host of each request.
 * The SDK is imported on first use: it costs tens of MB of memory that a server without Twilio should not pay.
 */
import type twilio from 'twilio';
import type { ErrorKey } from '../../errors/error-keys.js';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import type { Config } from '../../config/index.js';

export type TwilioClient = twilio.Twilio;
/** Resolves with one client, made on the first call. */
export type TwilioClientLoader = () => Promise<TwilioClient>;

async function createTwilioClient(settings: Config['twilio'], timeoutMs: number): Promise<TwilioClient> {
  const { default: sdk } = await import('twilio');
  /** Every `https://*.twilio.com` (api, verify …) goes to `base`; paths stay Twilio's. */
  class RebasedRequestClient extends sdk.RequestClient {
    constructor(
      private readonly base: string,
      options: RequestClient.RequestClientOptions,
    ) {
      super(options);
    }

    override request<T>(opts: RequestClient.RequestOptions<T>) {
      return super.request<T>({ ...opts, uri: opts.uri.replace(/^https:\/\/[^/]+/, this.base) });
    }
  }
  const options = { timeout: timeoutMs, keepAlive: true };
  const httpClient = settings.apiBase
    ? new RebasedRequestClient(settings.apiBase, options)
    : new sdk.RequestClient(options);
  return sdk(settings.accountSid ?? '', settings.authToken ?? '', { httpClient });
}

/** Checks the settings now (a missing credential stops the start), loads the SDK when a message is first sent or checked. */
export function lazyTwilioClient(settings: Config['twilio'], timeoutMs = 10_000): TwilioClientLoader {
  if (!settings.accountSid || !settings.authToken)
    throw new Error('Twilio is not configured (BARONG_TWILIO_ACCOUNT_SID / _AUTH_TOKEN)');
  let client: Promise<TwilioClient> | undefined;
  return () => {
    client ??= createTwilioClient(settings, timeoutMs).catch((err: unknown) => {
      client = undefined;
      throw err;
    });
    return client;
  };
}

/** Barong's keys for Twilio's error codes, plus a few codes with the same meaning. */
const ERROR_KEYS: Record<number, ErrorKey> = {
  21612: 'resource.phone.num_not_reachable',
  21614: 'resource.phone.num_not_valid',
  21618: 'resource.phone.sms_content_invalid',
  21610: 'resource.phone.unsubscribed_recipient',
  // Not in Barong's table: "Invalid 'To' phone number" and Verify's "landline cannot take SMS".
  21211: 'resource.phone.num_not_valid',
  60205: 'resource.phone.num_not_reachable',
  // Verify checks: no pending verification (expired, approved, cancelled) or too many checks.
  20404: 'resource.phone.verification_invalid',
  60202: 'resource.phone.verification_invalid',
};

export const TWILIO_UNEXPECTED = 'resource.phone.twilio_unexpected' satisfies ErrorKey;

export interface TwilioFailure {
  /** The API error key (`resource.phone.num_not_valid`; `resource.phone.twilio_unexpected` for anything unknown). */
  key: ErrorKey;
  /** Twilio's numeric error code, when Twilio answered with one. */
  twilioCode?: number;
  httpStatus?: number;
  /** Worth another try later: no answer, a timeout, 5xx, or 429. A 4xx is final. */
  transient: boolean;
  /** For logs: codes and statuses only, never Twilio's message (it quotes the phone number). */
  summary: string;
}

/** Reads any error the Twilio client throws (RestException, TwilioServiceException, axios/network errors). Never throws. */
export function classifyTwilioError(err: unknown): TwilioFailure {
  const e = (err ?? {}) as { status?: unknown; code?: unknown };
  const httpStatus = typeof e.status === 'number' ? e.status : undefined;
  const twilioCode = typeof e.code === 'number' ? e.code : undefined;
  const networkCode = typeof e.code === 'string' ? e.code : undefined;
  const transient = httpStatus === undefined || httpStatus >= 500 || httpStatus === 429 || twilioCode === 20429;
  const key = (twilioCode !== undefined && ERROR_KEYS[twilioCode]) || TWILIO_UNEXPECTED;
  const summary =
    httpStatus === undefined
      ? `no answer from Twilio (${networkCode ?? (err instanceof Error ? err.name : 'unknown error')})`
      : `Twilio answered HTTP ${httpStatus} with code ${twilioCode ?? 'none'}`;
  return {
    key,
    transient,
    summary,
    ...(twilioCode !== undefined ? { twilioCode } : {}),
    ...(httpStatus !== undefined ? { httpStatus } : {}),
  };
}

/** twilio_verify: Twilio Verify holds the code; the API asks it synchronously whether a code is right. */
export class TwilioVerifyCheck {
  constructor(
    private readonly client: TwilioClientLoader,
    private readonly serviceSid: string,
  ) {}

  /** True when Twilio approves the code; throws the client's error otherwise (see classifyTwilioError). */
  async approved(to: string, code: string): Promise<boolean> {
    const check = await (
      await this.client()
    ).verify.v2
      .services(this.serviceSid)
      .verificationChecks.create({ to, code });
    return check.status === 'approved';
  }
}
