import { z } from 'zod';
import { defineArea } from './area.js';
import { int, list, optional } from './values.js';

export interface TokenSettings {
  jwt: {
    privateKeyPath?: string;
    privateKeyBase64?: string;
    devKeyPath: string;
    expireTime: number;
    /** The signing key's algorithm; its type must fit (src/lib/signing-key.ts). */
    algorithm: 'RS256' | 'ES256';
    /** Previous / next keys published and accepted, never signing: a directory or a comma list of PEM files. */
    publicKeysPath?: string;
    /** The same as base64 PEMs. */
    publicKeysBase64: string[];
    /** Seconds between two reads of the keys `keys rotate` stores (src/domain/keys/key-ring.ts). */
    keysRefreshSeconds: number;
  };
}

export const tokens = defineArea({
  title: 'Signed tokens (JWT keys)',
  secrets: ['JWT_PRIVATE_KEY'],
  shape: {
    JWT_PRIVATE_KEY_PATH: optional.meta({
      description:
        'PEM file of the key that signs tokens: RSA (2048+ bits) for RS256, EC P-256 for ES256 (required in production, or the next)',
      values: 'path',
    }),
    JWT_PRIVATE_KEY: optional.meta({ description: 'the same key as base64 of the PEM', values: 'base64' }),
    BARONG_DEV_KEY_PATH: optional.meta({
      description: 'where the generated development key is kept (not in production)',
      values: 'path',
      default: '`.dev/rsa-key.pem` (`.dev/ec-key.pem` with ES256)',
    }),
    BARONG_JWT_ALGORITHM: z
      .enum(['RS256', 'ES256'])
      .optional()
      .default('RS256')
      .describe("the signing key's algorithm; the key's type must fit, checked at start"),
    BARONG_JWT_PUBLIC_KEYS_PATH: optional.meta({
      description:
        'previous and next keys, published and accepted but never signing: a directory (its `*.pem` files) or a comma list of PEM files; public or private keys',
      values: 'path or comma list of paths',
    }),
    BARONG_JWT_PUBLIC_KEYS: list('').meta({
      description: 'the same as a comma list of base64 PEMs',
      values: 'comma list of base64',
    }),
    BARONG_JWT_EXPIRE_TIME: int(3600, 1).describe('seconds a signed token lives'),
    BARONG_JWT_KEYS_REFRESH_INTERVAL: int(60, 1).describe(
      'seconds between two reads of the signing keys `npm run cli -- keys rotate` stores in the database; a new key waits at least this long before it signs',
    ),
  },
  read: (e): TokenSettings => ({
    jwt: {
      privateKeyPath: e.JWT_PRIVATE_KEY_PATH,
      privateKeyBase64: e.JWT_PRIVATE_KEY,
      devKeyPath:
        e.BARONG_DEV_KEY_PATH ?? (e.BARONG_JWT_ALGORITHM === 'ES256' ? '.dev/ec-key.pem' : '.dev/rsa-key.pem'),
      expireTime: e.BARONG_JWT_EXPIRE_TIME,
      algorithm: e.BARONG_JWT_ALGORITHM,
      publicKeysPath: e.BARONG_JWT_PUBLIC_KEYS_PATH,
      publicKeysBase64: e.BARONG_JWT_PUBLIC_KEYS,
      keysRefreshSeconds: e.BARONG_JWT_KEYS_REFRESH_INTERVAL,
    },
  }),
});
