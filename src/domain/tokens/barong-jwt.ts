/**
 * Barong's standard claims: iss barong, aud [peatio, barong], sub, a 20-hex jti, iat, exp — signed
 * with the signing key, its `kid` in the header.
 *
 * Verification trusts nothing the token says about how to check it: the header's `kid` must name a configured
 * key, the header's `alg` must be that key's algorithm (so `none`, HS256 keyed with a public key, or an RSA kid
 * with an ES256 header all fail), and then the signature, subject, issuer, audience (both members), expiry and
 * `nbf` are checked with no leeway, as Barong's decoder does; `iat` may not be in the future beyond a few seconds
 * of clock skew between the API processes that sign and verify.
 */
import { randomBytes } from 'node:crypto';
import { SignJWT, errors, jwtVerify, type JWTHeaderParameters, type JWTPayload } from 'jose';
import { findVerificationKey, type JwtKeys } from '../../lib/jwt-keys.js';

export const ISSUER = 'barong';
export const AUDIENCE = ['peatio', 'barong'];

/** Seconds a token's `iat` may lie ahead of this process's clock (another host signed it). */
const IAT_CLOCK_SKEW = 5;

export const hex = (bytes: number) => randomBytes(bytes).toString('hex');

export function signBarongJwt(
  keys: JwtKeys,
  subject: string,
  claims: Record<string, unknown>,
  ttlSeconds: number,
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: keys.alg, kid: keys.kid, typ: 'JWT' })
    .setSubject(subject)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setJti(hex(10))
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(keys.privateKey);
}

/** The algorithms any configured key is for; jose refuses every other `alg` before looking for a key. */
function allowedAlgorithms(keys: JwtKeys): string[] {
  return [...new Set(keys.verificationKeys.map((k) => k.alg))];
}

function keyFor(keys: JwtKeys) {
  return (header: JWTHeaderParameters) => {
    const key = findVerificationKey(keys, header.kid);
    if (!key) throw new errors.JWKSNoMatchingKey('no configured key has the token\'s "kid"');
    if (header.alg !== key.alg) throw new errors.JOSEAlgNotAllowed(`the key "${key.kid}" is for ${key.alg} only`);
    return key.publicKey;
  };
}

/** Verifies a token this server signed (see above); throws jose's errors. */
export async function verifyBarongJwt(keys: JwtKeys, token: string, subject: string): Promise<JWTPayload> {
  const { payload } = await jwtVerify(token, keyFor(keys), {
    algorithms: allowedAlgorithms(keys),
    issuer: ISSUER,
    audience: AUDIENCE,
    subject,
    requiredClaims: ['jti', 'iat', 'exp'],
  });
  // jose accepts any one of the expected audiences; our tokens always name both.
  const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!AUDIENCE.every((a) => aud.includes(a))) {
    throw new errors.JWTClaimValidationFailed(
      '"aud" claim must name peatio and barong',
      payload,
      'aud',
      'check_failed',
    );
  }
  if ((payload.iat ?? 0) > Math.floor(Date.now() / 1000) + IAT_CLOCK_SKEW) {
    throw new errors.JWTClaimValidationFailed('"iat" claim must not be in the future', payload, 'iat', 'check_failed');
  }
  return payload;
}
