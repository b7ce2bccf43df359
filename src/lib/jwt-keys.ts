/** The key pair that signs this server's JWTs, with its key id (the RFC 7638 thumbprint of the public key). */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK } from 'jose';

export interface JwtKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  kid: string;
  alg: 'RS256';
}

export async function jwtKeysFrom(privateKey: KeyObject): Promise<JwtKeys> {
  const publicKey = createPublicKey(privateKey);
  const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
  return { privateKey, publicKey, kid, alg: 'RS256' };
}
