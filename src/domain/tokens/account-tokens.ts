/**
 * E-mail confirmation and password reset tokens, as Barong makes them: JWTs signed with
 * the server key (RS256, or ES256 when configured), `sub` = `confirmation` or `reset` (so one can never stand
 * in for the other), iss `barong`, aud [peatio, barong], a 20-hex `jti`, expiring after BARONG_JWT_EXPIRE_TIME.
 * Single use: the jti is marked utilized in Redis. A reset token also carries a `reset_token` that must equal
 * the latest one stored for the e-mail, so only the newest reset link works.
 */
import { errors } from 'jose';
import type { RedisClient, RedisKeys } from '../../lib/redis.js';
import type { JwtKeys } from '../../lib/jwt-keys.js';
import { emailKey } from '../../lib/email-key.js';
import { unprocessable } from '../../errors/app-error.js';
import { hex, signBarongJwt, verifyBarongJwt } from './barong-jwt.js';
import { jwtClaimKey, type ErrorKey } from '../../errors/error-keys.js';

export type TokenSubject = 'confirmation' | 'reset';
export interface AccountTokenClaims {
  email: string;
  uid: string;
  jti: string;
  reset_token?: string;
}

function decodeErrorKey(err: unknown): ErrorKey {
  if (err instanceof errors.JWTExpired) return 'jwt.decode_and_verify.expired';
  // Barong parity: a key it does not have fails its signature check ("Signature verification raised").
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey) {
    return 'jwt.decode_and_verify.raised';
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return 'jwt.decode_and_verify.algorithm';
  if (err instanceof errors.JWTClaimValidationFailed) {
    const claim = err.claim === 'sub' ? String(err.payload.sub ?? 'sub') : err.claim;
    return jwtClaimKey(claim);
  }
  return 'jwt.decode_and_verify.segments';
}

export class AccountTokens {
  constructor(
    private readonly keys: JwtKeys,
    private readonly redis: RedisClient,
    private readonly redisKeys: RedisKeys,
    private readonly ttlSeconds: number,
  ) {}

  async issue(subject: TokenSubject, claims: { email: string; uid: string; reset_token?: string }): Promise<string> {
    return signBarongJwt(this.keys, subject, { ...claims }, this.ttlSeconds);
  }

  /** Verifies signature, subject, issuer, audience and expiry; failures are Barong's 422 jwt keys. */
  async verify(token: string, subject: TokenSubject): Promise<AccountTokenClaims> {
    try {
      const payload = await verifyBarongJwt(this.keys, token, subject);
      if (typeof payload.email !== 'string' || typeof payload.uid !== 'string') throw new errors.JWTInvalid('claims');
      return payload as unknown as AccountTokenClaims;
    } catch (err) {
      throw unprocessable(decodeErrorKey(err));
    }
  }

  /** Marks a token used; false when it already was. Atomic, so two concurrent uses cannot both succeed. */
  async claim(jti: string): Promise<boolean> {
    const ok = await this.redis.set(this.redisKeys.key('utilized', jti), '1', 'EX', this.ttlSeconds, 'NX');
    return ok === 'OK';
  }

  async isClaimed(jti: string): Promise<boolean> {
    return (await this.redis.exists(this.redisKeys.key('utilized', jti))) === 1;
  }

  /** Starts a reset: a new reset_token replaces any earlier one for this e-mail. */
  async newResetToken(email: string): Promise<string> {
    const resetToken = hex(10);
    await this.redis.set(this.resetKey(email), resetToken, 'EX', this.ttlSeconds);
    return resetToken;
  }

  async isLatestReset(email: string, resetToken: string | undefined): Promise<boolean> {
    return Boolean(resetToken) && (await this.redis.get(this.resetKey(email))) === resetToken;
  }

  async endReset(email: string): Promise<void> {
    await this.redis.del(this.resetKey(email));
  }

  // The account's key, not a case-folded address: a look-alike account must not replace this one's reset.
  private resetKey(email: string): string {
    return this.redisKeys.key('reset_password', emailKey(email));
  }
}
