/**
 * Why the last code for a phone did not go out. The SMS is sent by the worker after the API has answered, so
 * the API cannot return Twilio's error on the request that asked for the code. The worker records the mapped
 * key here (Redis, per phone, tagged with the challenge it belongs to); the next send_code or verify for that
 * phone reports it (422 with the key) instead of leaving the user waiting for a code that will never come.
 */
import type { RedisClient, RedisKeys } from '../../lib/redis.js';
import type { ErrorKey } from '../../errors/error-keys.js';

export interface SmsFailure {
  /** `resource.phone.num_not_valid`, … */
  key: ErrorKey;
  twilioCode: number | null;
  /** The challenge (phones.code_sent_at, ISO) whose SMS failed; an older failure says nothing about a newer code. */
  challenge: string;
}

export class SmsFailures {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    /** How long a failure is remembered: the code's lifetime is enough, a later send replaces the code anyway. */
    private readonly ttlSeconds: number,
  ) {}

  async record(phoneId: number, failure: SmsFailure): Promise<void> {
    await this.redis.set(this.key(phoneId), JSON.stringify(failure), 'EX', this.ttlSeconds);
  }

  /** The failure of this challenge, if its SMS failed. */
  async find(phoneId: number, challenge: Date | null): Promise<SmsFailure | undefined> {
    if (!challenge) return undefined;
    const raw = await this.redis.get(this.key(phoneId));
    if (!raw) return undefined;
    try {
      const failure = JSON.parse(raw) as SmsFailure;
      return failure.challenge === challengeId(challenge) ? failure : undefined;
    } catch {
      return undefined;
    }
  }

  async clear(phoneId: number): Promise<void> {
    await this.redis.del(this.key(phoneId));
  }

  private key(phoneId: number): string {
    return this.keys.key('sms', 'failure', String(phoneId));
  }
}

/** The challenge's identity as the job carries it: its send time, to the second (the column's precision). */
export function challengeId(sentAt: Date): string {
  return new Date(Math.floor(sentAt.getTime() / 1000) * 1000).toISOString();
}
