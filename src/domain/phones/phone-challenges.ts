/** The codes a phone is verified with: a new challenge for a number, and the request that the SMS worker send it. */
import type { Config } from '../../config/index.js';
import type { Encryptor } from '../../lib/encryptor.js';
import type { Work } from '../unit-of-work.js';
import { generateCode, type PhoneCodeDigest } from './phone-codes.js';
import { PHONE_CODE_REQUESTED, type PhoneChannel, type PhoneCodeRequest } from './phone-events.js';
import type { PhoneNumber } from './phone-number.js';
import { challengeId } from './sms-failures.js';

export class PhoneChallenges {
  constructor(
    private readonly config: Pick<Config, 'phoneVerification' | 'phoneCodes'>,
    private readonly encryptor: Encryptor,
    private readonly digests: PhoneCodeDigest,
  ) {}

  /** Barong parity: `call` only means something to Twilio Verify; every other provider sends an SMS. */
  channel(channel: PhoneChannel | undefined): PhoneChannel {
    return this.config.phoneVerification === 'twilio_verify' && channel === 'call' ? 'call' : 'sms';
  }

  /** A new code for the user's number (none with Twilio Verify, which makes its own) and when it expires. */
  make(userId: number, index: string) {
    const { length, ttlSeconds } = this.config.phoneCodes;
    // Whole seconds: the columns keep no fractions, and the send time names the challenge (SmsFailures).
    const now = Math.floor(Date.now() / 1000) * 1000;
    const code = this.config.phoneVerification === 'twilio_verify' ? null : generateCode(length);
    const challenge = {
      codeDigest: code === null ? null : this.digests.digest(userId, index, code),
      codeSentAt: new Date(now),
      codeExpiresAt: new Date(now + ttlSeconds * 1000),
    };
    return { challenge, code };
  }

  /** Asks, inside the unit of work, for the code to be sent once it commits (the SMS worker sends it). */
  requestSend(
    w: Work,
    phoneId: number,
    number: PhoneNumber,
    code: string | null,
    channel: PhoneChannel,
    sentAt: Date,
    expiresAt: Date,
  ) {
    const record: PhoneCodeRequest = {
      provider: this.config.phoneVerification,
      channel,
      phoneId,
      challenge: challengeId(sentAt),
      expiresAt: expiresAt.toISOString(),
      sealed: this.encryptor.encrypt(JSON.stringify({ to: number.e164, code })),
    };
    w.emit(PHONE_CODE_REQUESTED, { record });
  }
}
