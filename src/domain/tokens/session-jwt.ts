/**
 * The JWT a signed-in principal carries to upstream services: signed with the server key
 * (RS256, or ES256 when configured), Barong's claims, and a `kid` naming the key, which the JWKS publishes.
 * The resource API and the gateway authorizer share it; it verifies tokens of every configured key (rotation).
 */
import type { User } from '../../db/repositories/users-repository.js';
import type { JwtKeys } from '../../lib/jwt-keys.js';
import { signBarongJwt, verifyBarongJwt } from './barong-jwt.js';

export interface SessionClaims {
  uid: string;
  email: string;
  username?: string | null;
  role: string;
  level: number;
  state: string;
  referral_id?: number | null;
}

export function userClaims(user: User): SessionClaims {
  return {
    uid: user.uid,
    email: user.email,
    username: user.username,
    role: user.role,
    level: user.level,
    state: user.state,
    referral_id: user.referralId,
  };
}

export class SessionJwt {
  constructor(
    private readonly keys: JwtKeys,
    private readonly ttlSeconds: number,
  ) {}

  sign(claims: SessionClaims): Promise<string> {
    return signBarongJwt(this.keys, 'session', { ...claims }, this.ttlSeconds);
  }

  /** The claims of a token one of our keys signed, or undefined for anything else (barong-jwt.ts says what is checked). */
  async verify(token: string): Promise<SessionClaims | undefined> {
    try {
      const payload = await verifyBarongJwt(this.keys, token, 'session');
      return typeof payload.uid === 'string' ? (payload as unknown as SessionClaims) : undefined;
    } catch {
      return undefined;
    }
  }
}
