import { createHash, createHmac } from 'node:crypto';
import { defineArea, type NodeEnv } from './area.js';
import { optional } from './values.js';

type Key = { version: number; key: Buffer };

export interface EncryptionSettings {
  /** AES-256-GCM keys by version; the highest version encrypts, every listed version decrypts. */
  encryptionKeys: Key[];
  /**
   * HMAC-SHA256 keys of the blind indexes (equality lookups on encrypted columns, phone code digests): the first
   * makes every new index, the others are still looked up while `secrets reindex` moves the stored ones over.
   */
  blindIndexKeys: Buffer[];
}

// Outside production only: a fixed, public development key, so local data stays readable across restarts.
const DEVELOPMENT_ENCRYPTION_KEY = createHash('sha256').update('barong-ts development encryption key').digest();

/** Where the blind-index key came from before it had a setting of its own, so existing indexes keep matching. */
export function derivedBlindIndexKey(encryptionKeys: readonly Key[]): Buffer {
  const oldest = [...encryptionKeys].sort((a, b) => a.version - b.version)[0];
  if (!oldest) throw new Error('at least one encryption key is required');
  return createHmac('sha256', oldest.key).update('barong blind index').digest();
}

function parseEncryptionKeys(value: string | undefined, env: NodeEnv, problems: string[]): Key[] {
  if (!value) {
    if (env === 'production')
      problems.push('BARONG_ENCRYPTION_KEYS: required in production (e.g. "1:<base64 of 32 random bytes>")');
    return [{ version: 1, key: DEVELOPMENT_ENCRYPTION_KEY }];
  }
  const keys: Key[] = [];
  for (const entry of value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
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

function indexKey(name: string, value: string, problems: string[], alternative = ''): Buffer | undefined {
  const key = Buffer.from(value, 'base64');
  if (key.length === 32) return key;
  problems.push(`${name}: must be the base64 of 32 bytes${alternative}`);
  return undefined;
}

function blindIndexKeys(
  current: string | undefined,
  previous: string | undefined,
  encryptionKeys: Key[],
  problems: string[],
): Buffer[] {
  if (!encryptionKeys.length) return []; // BARONG_ENCRYPTION_KEYS is reported already
  const derived = derivedBlindIndexKey(encryptionKeys);
  const key = current === undefined ? derived : indexKey('BARONG_BLIND_INDEX_KEY', current, problems);
  const before =
    previous === undefined
      ? undefined
      : previous === 'derived'
        ? derived
        : indexKey('BARONG_BLIND_INDEX_PREVIOUS_KEY', previous, problems, ', or "derived"');
  const keys = [key, before].filter((k): k is Buffer => k !== undefined);
  return keys.filter((k, i) => keys.findIndex((other) => other.equals(k)) === i);
}

export const encryption = defineArea({
  title: 'Secrets at rest',
  secrets: ['BARONG_ENCRYPTION_KEYS', 'BARONG_BLIND_INDEX_KEY', 'BARONG_BLIND_INDEX_PREVIOUS_KEY'],
  shape: {
    BARONG_ENCRYPTION_KEYS: optional.meta({
      description:
        'AES-256-GCM keys for secrets and personal data at rest, queued mail and SMS, and file links; the highest version encrypts, every listed one decrypts (`npm run cli -- secrets reencrypt` moves stored data to the highest)',
      values: '`1:<base64 of 32 bytes>,2:…`',
      default: 'a fixed development key (not in production, where it is required)',
    }),
    BARONG_BLIND_INDEX_KEY: optional.meta({
      description:
        'HMAC key of the blind indexes that find encrypted values (phone and document numbers) and of phone code digests; give it its own key so every encryption key can be retired (docs/security.md)',
      values: 'base64 of 32 bytes',
      default:
        "derived from the oldest `BARONG_ENCRYPTION_KEYS` entry (this server's indexes before the setting existed)",
    }),
    BARONG_BLIND_INDEX_PREVIOUS_KEY: optional.meta({
      description:
        'the key the stored indexes were made with before `BARONG_BLIND_INDEX_KEY` changed; still looked up until `npm run cli -- secrets reindex` has finished, then remove it',
      values: 'base64 of 32 bytes, or `derived` (the key derived from the oldest encryption key)',
    }),
  },
  read: (e, { nodeEnv, problems }): EncryptionSettings => {
    const encryptionKeys = parseEncryptionKeys(e.BARONG_ENCRYPTION_KEYS, nodeEnv, problems);
    return {
      encryptionKeys,
      blindIndexKeys: blindIndexKeys(
        e.BARONG_BLIND_INDEX_KEY,
        e.BARONG_BLIND_INDEX_PREVIOUS_KEY,
        encryptionKeys,
        problems,
      ),
    };
  },
});
