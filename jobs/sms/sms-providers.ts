/**
 * SMS vendors behind one interface, named as Barong names them (BARONG_PHONE_VERIFICATION):
 * - twilio_sms: an SMS from BARONG_TWILIO_PHONE_NUMBER with BARONG_SMS_CONTENT_TEMPLATE (`{{code}}` = our code);
 * - twilio_verify: a Twilio Verify challenge (channel sms or call); Twilio makes, sends and checks the code;
 * - mock: sends no SMS. Unlike Barong's mock, which accepts any code, our code is still required, and it is never
 *   logged. Outside production the code goes to the development inbox (/dev/inbox), where a developer reads it;
 *   in production it goes nowhere, a warning says so at start and on every job, and phones cannot be verified.
 * Errors are the twilio client's own; the worker classifies them (src/domain/phones/twilio.ts).
 */
import type { Config } from '../../src/config/index.js';
import type { Logger } from '../../src/lib/logger.js';
import type { PhoneChannel, SmsProviderName } from '../../src/domain/phones/phone-events.js';
import type { DevInbox } from '../../src/lib/dev-inbox.js';
import { lazyTwilioClient, type TwilioClientLoader } from '../../src/domain/phones/twilio.js';

export interface OutgoingCode {
  /** `+<digits>` */
  to: string;
  /** Null for twilio_verify (Twilio makes the code). */
  code: string | null;
  channel: PhoneChannel;
}

export interface SmsProvider {
  readonly name: SmsProviderName;
  /** Resolves with the vendor's reference (message or verification SID); rejects with the vendor's error. */
  send(message: OutgoingCode): Promise<{ ref: string | null }>;
}

/** A job that cannot be sent by any retry (no provider, no code, unreadable payload). */
export class UnsendableSmsError extends Error {
  override name = 'UnsendableSmsError';
}

export function renderSmsBody(template: string, code: string): string {
  return template.replace(/\{\{\s*code\s*\}\}/g, code);
}

export class TwilioSmsProvider implements SmsProvider {
  readonly name = 'twilio_sms' as const;

  constructor(
    private readonly client: TwilioClientLoader,
    private readonly from: string,
    private readonly template: string,
  ) {}

  async send({ to, code }: OutgoingCode) {
    if (!code) throw new UnsendableSmsError('twilio_sms job without a code');
    const message = await (
      await this.client()
    ).messages.create({ to, from: this.from, body: renderSmsBody(this.template, code) });
    return { ref: message.sid ?? null };
  }
}

export class TwilioVerifyProvider implements SmsProvider {
  readonly name = 'twilio_verify' as const;

  constructor(
    private readonly client: TwilioClientLoader,
    private readonly serviceSid: string,
  ) {}

  async send({ to, channel }: OutgoingCode) {
    const verification = await (
      await this.client()
    ).verify.v2
      .services(this.serviceSid)
      .verifications.create({ to, channel });
    return { ref: verification.sid ?? null };
  }
}

export class MockSmsProvider implements SmsProvider {
  readonly name = 'mock' as const;

  constructor(
    private readonly logger: Logger,
    /** Outside production: where the code is delivered instead of a phone. */
    private readonly inbox?: { store: DevInbox; template: string },
  ) {}

  async send({ to, code, channel }: OutgoingCode) {
    if (this.inbox) {
      if (!code) throw new UnsendableSmsError('mock job without a code');
      const { id } = await this.inbox.store.add({
        kind: 'sms',
        to,
        code,
        text: renderSmsBody(this.inbox.template, code),
      });
      this.logger.info({ channel }, 'BARONG_PHONE_VERIFICATION=mock: the code went to the development inbox');
      return { ref: id };
    }
    this.logger.warn(
      { channel },
      'BARONG_PHONE_VERIFICATION=mock: NO SMS WAS SENT. The code is not logged, so this phone cannot be verified; use twilio_sms or twilio_verify',
    );
    return { ref: null };
  }
}

/**
 * Every provider this worker can serve with its settings. A job names the provider the API chose, so a job
 * queued before a configuration change is still sent the way the API will check it (or fails clearly).
 */
export function createSmsProviders(
  config: Config,
  logger: Logger,
  devInbox?: DevInbox,
): Partial<Record<SmsProviderName, SmsProvider>> {
  const inbox = config.devInbox && devInbox ? { store: devInbox, template: config.twilio.smsTemplate } : undefined;
  const providers: Partial<Record<SmsProviderName, SmsProvider>> = { mock: new MockSmsProvider(logger, inbox) };
  const { twilio } = config;
  if (twilio.accountSid && twilio.authToken) {
    // Longer than the API's timeout: nobody is waiting on the worker, and a retry might send a second SMS.
    const client = lazyTwilioClient(twilio, 30_000);
    providers.twilio_sms = new TwilioSmsProvider(client, twilio.phoneNumber, twilio.smsTemplate);
    if (twilio.serviceSid) providers.twilio_verify = new TwilioVerifyProvider(client, twilio.serviceSid);
  }
  return providers;
}
