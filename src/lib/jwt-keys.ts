/**
 * The keys behind this server's JWTs: one signing key, and every key a token may be signed by (the signing key,
 * then previous and next keys kept for rotation). Each key has its key id — the RFC 7638 thumbprint of its public
 * key, carried in every token header as `kid` — and the one algorithm it is for, fixed by its type: RSA (2048
 * bits or more) → RS256, EC P-256 → ES256. A token is verified with the key its `kid` names and only with that
 * key's algorithm, so the token never chooses how it is checked.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK } from 'jose';

export const JWT_ALGORITHMS = ['RS256', 'ES256'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** A public key as the JWKS publishes it (RFC 7517): RSA keys carry n and e, EC keys crv, x and y. */
interface JwkCommon {
  kid: string;
  alg: JwtAlgorithm;
  use: 'sig';
}
export type PublicJwk =
  (JwkCommon & { kty: 'RSA'; n: string; e: string }) | (JwkCommon & { kty: 'EC'; crv: 'P-256'; x: string; y: string });

export interface VerificationKey {
  kid: string;
  alg: JwtAlgorithm;
  publicKey: KeyObject;
  jwk: PublicJwk;
}

export interface JwtKeys {
  /** The signing key, its public half, kid and algorithm. */
  privateKey: KeyObject;
  publicKey: KeyObject;
  kid: string;
  alg: JwtAlgorithm;
  /** Every key a token may be signed by: the signing key first, then the others; one entry per kid. */
  verificationKeys: readonly VerificationKey[];
}

/** A key that fits neither algorithm; the message says what the key is and what would fit. */
export class JwtKeyError extends Error {
  override name = 'JwtKeyError';
}

/** "an RSA key (2048 bits)", "an EC key on prime256v1", … — for start-up errors. */
export function describeKey(key: KeyObject): string {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa') return `an RSA key (${details?.modulusLength ?? '?'} bits)`;
  if (key.asymmetricKeyType === 'ec') return `an EC key on ${details?.namedCurve ?? 'an unknown curve'}`;
  return `a ${key.asymmetricKeyType ?? key.type} key`;
}

/** The algorithm a key is for; throws JwtKeyError for any other key. */
export function algorithmOf(key: KeyObject): JwtAlgorithm {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa' && (details?.modulusLength ?? 0) >= 2048) return 'RS256';
  if (key.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1') return 'ES256';
  throw new JwtKeyError(
    `${describeKey(key)} fits no supported algorithm: ` +
      'RS256 needs an RSA key of 2048 bits or more, ES256 an EC key on P-256 (prime256v1)',
  );
}

function publicOf(key: KeyObject): KeyObject {
  if (key.type === 'secret') {
    throw new JwtKeyError("a shared secret cannot sign or verify this server's tokens; give an RSA or EC key");
  }
  return key.type === 'public' ? key : createPublicKey(key);
}

export async function verificationKeyFrom(key: KeyObject): Promise<VerificationKey> {
  const publicKey = publicOf(key);
  const alg = algorithmOf(publicKey);
  const exported = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(exported);
  // algorithmOf admitted only RSA and P-256 keys, so these members are present.
  const jwk: PublicJwk =
    alg === 'RS256'
      ? { kty: 'RSA', kid, alg, use: 'sig', n: exported.n!, e: exported.e! }
      : { kty: 'EC', kid, alg, use: 'sig', crv: 'P-256', x: exported.x!, y: exported.y! };
  return { kid, alg, publicKey, jwk };
}

/**
 * The key set from the signing key and any other keys (public or private; only their public halves are kept).
 * A key listed twice, or the signing key listed again, appears once.
 */
export async function jwtKeysFrom(privateKey: KeyObject, otherKeys: readonly KeyObject[] = []): Promise<JwtKeys> {
  if (privateKey.type !== 'private')
    throw new JwtKeyError(`the signing key must be a private key, not a ${privateKey.type} one`);
  const signing = await verificationKeyFrom(privateKey);
  const verificationKeys = [signing];
  for (const key of otherKeys) {
    const verification = await verificationKeyFrom(key);
    if (!verificationKeys.some((k) => k.kid === verification.kid)) verificationKeys.push(verification);
  }
  return { privateKey, publicKey: signing.publicKey, kid: signing.kid, alg: signing.alg, verificationKeys };
}

/** The key a token header names, or undefined. */
export function findVerificationKey(keys: JwtKeys, kid: unknown): VerificationKey | undefined {
  return typeof kid === 'string' ? keys.verificationKeys.find((k) => k.kid === kid) : undefined;
}
