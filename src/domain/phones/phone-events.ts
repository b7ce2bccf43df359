/**
 * The event the phone service records when a code must go out; it is written to the outbox with the code's
 * transaction, and the relay (src/queues/sms-consumer.ts) turns it into a job on the `sms` queue. Internal: not one of Barong's Event API
 * events, and a publisher of `system.*`/`model.*` events must not forward it.
 */
export const PHONE_CODE_REQUESTED = 'internal.phone.code.requested';

export type SmsProviderName = 'mock' | 'twilio_sms' | 'twilio_verify';
export type PhoneChannel = 'sms' | 'call';

export interface PhoneCodeRequest {
  /** Decided by the API, which verifies accordingly (our code, or a Twilio Verify check). */
  provider: SmsProviderName;
  channel: PhoneChannel;
  phoneId: number;
  /** The challenge (phones.code_sent_at, ISO, whole seconds), so a failure is filed against the right code. */
  challenge: string;
  /** ISO. Past this the code is void: a job still waiting (retries, a stopped worker) is dropped, not sent. */
  expiresAt: string;
  /**
   * Encryptor ciphertext of `{"to": "+<digits>", "code": "<digits>" | null}`: the number and the code never sit
   * in Redis (job data, completed-job history) or in logs in clear. `code` is null for twilio_verify.
   */
  sealed: string;
}

export interface SealedMessage {
  to: string;
  code: string | null;
}
