/**
 * Re-enrolment of an imported user whose codes Vault checks needs the old authenticator, as turning local 2FA off
 * does: a Vault code verified through `POST /resource/otp/verify` in the last five minutes. Without it a stolen
 * session could swap the user's 2FA for the thief's. The proof is kept per user in Redis and spent by `enable`.
 */
import type { RedisClient, RedisKeys } from '../../lib/redis.js';

const PROOF_TTL_SECONDS = 300;

export class ReenrolProof {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  private key(uid: string): string {
    return this.keys.key('otp', 'reenrol', uid);
  }

  async grant(uid: string): Promise<void> {
    await this.redis.set(this.key(uid), '1', 'EX', PROOF_TTL_SECONDS);
  }

  async holds(uid: string): Promise<boolean> {
    return (await this.redis.exists(this.key(uid))) === 1;
  }

  async spend(uid: string): Promise<void> {
    await this.redis.del(this.key(uid));
  }
}
