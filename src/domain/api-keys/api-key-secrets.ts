/**
 * Request signing with API keys, for the gateway authorizer: a key's secret is decrypted only
 * here, when a signature has to be checked. Barong signs `nonce + kid` with HMAC of the key's algorithm and
 * sends the hex digest in X-Auth-Signature; the comparison is constant-time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ApiKey } from '../../db/repositories/api-keys-repository.js';
import type { Repositories } from '../../db/repositories/index.js';
import type { Encryptor } from '../../lib/encryptor.js';
import { isAlgorithm, type ApiKeyAlgorithm } from './api-key-rules.js';

const HASH: Record<ApiKeyAlgorithm, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

/** Hex HMAC of `data` with the key's algorithm. */
export function hmacHex(algorithm: string, secret: string, data: string): string {
  if (!isAlgorithm(algorithm)) throw new Error(`unsupported API key algorithm ${algorithm}`);
  return createHmac(HASH[algorithm], secret).update(data).digest('hex');
}

/** Whether `signature` (hex) is the HMAC of `data`; constant-time over equal lengths. */
export function signatureMatches(algorithm: string, secret: string, data: string, signature: string): boolean {
  const expected = Buffer.from(hmacHex(algorithm, secret, data), 'utf8');
  const given = Buffer.from(signature.toLowerCase(), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export class ApiKeySecrets {
  constructor(
    private readonly repos: () => Repositories,
    private readonly encryptor: Encryptor,
  ) {}

  /** The key with this kid (any holder) and its decrypted secret; undefined for an unknown kid. */
  async find(kid: string): Promise<{ key: ApiKey; secret: string } | undefined> {
    const key = await this.repos().apiKeys.findAnyByKid(kid);
    return key ? { key, secret: this.encryptor.decrypt(key.secretEncrypted) } : undefined;
  }
}
