/** Barong's standard claims (reference §8): iss barong, aud [peatio, barong], sub, a 20-hex jti, iat, exp. */
import { randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify, type JWTPayload } from 'jose';
import type { JwtKeys } from '../../lib/jwt-keys.js';

export const ISSUER = 'barong';
export const AUDIENCE = ['peatio', 'barong'];

export const hex = (bytes: number) => randomBytes(bytes).toString('hex');

export function signBarongJwt(keys: JwtKeys, subject: string, claims: Record<string, unknown>, ttlSeconds: number): Promise<string> {
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

/** Verifies signature (our algorithm only), subject, issuer, audience and expiry; throws jose's errors. */
export async function verifyBarongJwt(keys: JwtKeys, token: string, subject: string): Promise<JWTPayload> {
  const { payload } = await jwtVerify(token, keys.publicKey, {
    algorithms: [keys.alg],
    issuer: ISSUER,
    audience: AUDIENCE,
    subject,
    requiredClaims: ['jti', 'iat', 'exp'],
  });
  return payload;
}
