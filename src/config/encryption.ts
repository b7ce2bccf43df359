import { createHash } from 'node:crypto';
import { defineArea, type NodeEnv } from './area.js';
import { optional } from './values.js';

export interface EncryptionSettings {
  /** AES-256-GCM keys by version; the highest version encrypts, every listed version decrypts. */
  encryptionKeys: { version: number; key: Buffer }[];
}

// Outside production only: a fixed, public development key, so local data stays readable across restarts.
const DEVELOPMENT_ENCRYPTION_KEY = createHash('sha256').update('barong-ts development encryption key').digest();

function parseEncryptionKeys(value: string | undefined, env: NodeEnv, problems: string[]): EncryptionSettings['encryptionKeys'] {
  if (!value) {
    if (env === 'production') problems.push('BARONG_ENCRYPTION_KEYS: required in production (e.g. "1:<base64 of 32 random bytes>")');
    return [{ version: 1, key: DEVELOPMENT_ENCRYPTION_KEY }];
  }
  const keys: EncryptionSettings['encryptionKeys'] = [];
  for (const entry of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [version, encoded = ''] = entry.split(':');
    const key = Buffer.from(encoded, 'base64');
    if (!/^\d+$/.test(version ?? '') || key.length !== 32) {
      problems.push('BARONG_ENCRYPTION_KEYS: each entry must be "<version>:<base64 of 32 bytes>", comma-separated');
      return [];
    }
    keys.push({ version: Number(version), key });
  }
  return keys.sort((a, b) => b.version - a.version);
}

export const encryption = defineArea({
  title: 'Secrets at rest',
  shape: {
    BARONG_ENCRYPTION_KEYS: optional.meta({
      description:
        'AES-256-GCM keys for secrets and personal data at rest, queued mail and SMS, and file links; the highest version encrypts, every listed one decrypts',
      values: '`1:<base64 of 32 bytes>,2:…`',
      default: 'a fixed development key (not in production, where it is required)',
    }),
  },
  read: (e, { nodeEnv, problems }): EncryptionSettings => ({
    encryptionKeys: parseEncryptionKeys(e.BARONG_ENCRYPTION_KEYS, nodeEnv, problems),
  }),
});
