/**
 * The management API's signed requests: JWS in general JSON serialisation (`{payload, signatures: [{protected,
 * header: {kid}, signature}]}`), as Barong's jwt-multisig reads them. Each signature whose kid the operation's scope
 * permits is verified with that signer's key and only the algorithm the keychain pins for it (never `none`, never an
 * HMAC keyed with a public key); a signature by a kid the scope does not permit is ignored, as Barong ignores it.
 * Then the payload's claims: `exp`, `iat` and `jti` are required and bounded, and a `jti` is accepted once across
 * every process sharing Redis, so a captured request cannot be replayed. Then the scope's rule: every mandatory
 * signer has signed. The payload's `data` becomes the request's parameters.
 */
import { createHash } from 'node:crypto';
import { flattenedVerify, type FlattenedJWSInput } from 'jose';
import type { ManagementScope, ManagementSigner } from '../../config/index.js';

export const CANNOT_PARSE = "Couldn't parse JWT.";
export const NOT_VERIFIED = 'Failed to verify JWT.';
export const NOT_ENOUGH_SIGNATURES = 'Not enough signatures for the action.';

/** A refusal in Barong's management format: `{"error": message}` with this status. */
export class ManagementRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Why, for the log only: clients get Barong's message. */
    readonly reason?: string,
  ) {
    super(message);
  }
}

export interface JwtBounds {
  maxAgeSeconds: number;
  maxLifetimeSeconds: number;
  leewaySeconds: number;
}

/** Claims a jti for `ttlSeconds`; false when it was already claimed (a replay). */
export type JtiClaim = (jti: string, ttlSeconds: number) => Promise<boolean>;

interface GeneralJws {
  payload: string;
  signatures: { protected?: string; header?: { kid?: unknown }; signature: string }[];
}

function isGeneralJws(body: unknown): body is GeneralJws {
  const b = body as Partial<GeneralJws> | null;
  return (
    typeof b === 'object' &&
    b !== null &&
    typeof b.payload === 'string' &&
    Array.isArray(b.signatures) &&
    b.signatures.length > 0 &&
    b.signatures.every((s) => typeof s === 'object' && s !== null && typeof s.signature === 'string')
  );
}

const refuse = (reason: string) => new ManagementRefusal(401, NOT_VERIFIED, reason);

export class SignedRequests {
  constructor(
    private readonly keychain: ReadonlyMap<string, ManagementSigner>,
    private readonly bounds: JwtBounds,
    private readonly claimJti: JtiClaim,
  ) {}

  /** The payload's `data` of a request `scope` allows, or a ManagementRefusal. */
  async open(body: unknown, scope: ManagementScope, now = Date.now() / 1000): Promise<Record<string, unknown>> {
    if (!isGeneralJws(body)) throw refuse('not a JWS in general JSON serialisation');
    const verified = new Set<string>();
    let payload: Uint8Array | undefined;
    for (const signature of body.signatures) {
      // As jwt-multisig: every signature names its signer in the unprotected header.
      const kid = signature.header?.kid;
      if (typeof kid !== 'string') throw refuse('a signature without header.kid');
      const signer = scope.permittedSigners.includes(kid) ? this.keychain.get(kid) : undefined;
      if (!signer) continue;
      try {
        const jws = { ...signature, payload: body.payload } as FlattenedJWSInput;
        ({ payload } = await flattenedVerify(jws, signer.key, { algorithms: [signer.algorithm] }));
      } catch (err) {
        throw refuse(`signature of ${kid}: ${(err as Error).message}`);
      }
      verified.add(kid);
    }
    if (!payload) throw new ManagementRefusal(401, NOT_ENOUGH_SIGNATURES, 'no permitted signer signed');
    const claims = this.claims(payload, now);
    const missing = scope.mandatorySigners.filter((kid) => !verified.has(kid));
    if (missing.length) throw new ManagementRefusal(401, NOT_ENOUGH_SIGNATURES, `missing ${missing.join(', ')}`);
    const ttl = Math.ceil(claims.exp - now + this.bounds.leewaySeconds);
    const digest = createHash('sha256').update(claims.jti).digest('base64url');
    if (!(await this.claimJti(digest, Math.max(1, ttl)))) throw refuse('jti already used');
    return claims.data;
  }

  private claims(payload: Uint8Array, now: number): { exp: number; jti: string; data: Record<string, unknown> } {
    let claims: Record<string, unknown>;
    try {
      claims = JSON.parse(Buffer.from(payload).toString('utf8'));
    } catch {
      throw refuse('payload is not JSON');
    }
    const { exp, iat, jti, data } = claims ?? {};
    const { maxAgeSeconds, maxLifetimeSeconds, leewaySeconds } = this.bounds;
    if (typeof exp !== 'number' || typeof iat !== 'number') throw refuse('exp and iat are required');
    if (exp + leewaySeconds <= now) throw refuse('expired');
    if (exp - now > maxLifetimeSeconds + leewaySeconds) throw refuse('exp too far in the future');
    if (iat > now + leewaySeconds || now - iat > maxAgeSeconds + leewaySeconds) throw refuse('iat out of bounds');
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) throw refuse('jti is required');
    if (data !== undefined && (typeof data !== 'object' || data === null || Array.isArray(data)))
      throw refuse('data is not an object');
    return { exp, jti, data: (data as Record<string, unknown> | undefined) ?? {} };
  }
}

/** Minimal surface of the Redis client the jti registry needs. */
interface SetNx {
  set(key: string, value: string, ex: 'EX', seconds: number, nx: 'NX'): Promise<string | null>;
}

/** A jti is claimed with SET NX in the Redis every API process shares, for as long as its request could be accepted. */
export function redisJtiClaim(redis: SetNx, keyOf: (digest: string) => string): JtiClaim {
  return async (digest, ttlSeconds) => (await redis.set(keyOf(digest), '1', 'EX', ttlSeconds, 'NX')) === 'OK';
}
