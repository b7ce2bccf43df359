/**
 * Secrets and personal data at rest: AES-256-GCM with a key from configuration. Each ciphertext names the
 * version of the key that made it (`v1:<iv>:<tag>:<data>`), so keys can rotate: the newest key encrypts,
 * every configured key still decrypts. Blind indexes have keys of their own (BARONG_BLIND_INDEX_KEY), so no
 * encryption key has to stay configured for the indexes' sake.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { derivedBlindIndexKey } from '../config/encryption.js';

export interface EncryptionKey {
  version: number;
  key: Buffer;
}

const IV_BYTES = 12;

export class Encryptor {
  private readonly current: EncryptionKey;
  private readonly byVersion: Map<number, Buffer>;
  private readonly indexKeys: readonly Buffer[];

  /** `indexKeys`: the blind-index key first, then keys whose indexes may still be stored (config.blindIndexKeys). */
  constructor(keys: EncryptionKey[], indexKeys: readonly Buffer[] = [derivedBlindIndexKey(keys)]) {
    const sorted = [...keys].sort((a, b) => b.version - a.version);
    if (!sorted[0] || !indexKeys[0])
      throw new Error('at least one encryption key and one blind-index key are required');
    this.current = sorted[0];
    this.byVersion = new Map(sorted.map((k) => [k.version, k.key]));
    this.indexKeys = indexKeys;
  }

  /** The version of the key that encrypts. */
  get currentVersion(): number {
    return this.current.version;
  }

  /** The version a ciphertext names, or undefined when it is not one of ours. */
  static versionOf(token: string): number | undefined {
    const match = /^v(\d+):/.exec(token);
    return match ? Number(match[1]) : undefined;
  }

  encrypt(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url'));
    return `v${this.current.version}:${parts.join(':')}`;
  }

  decrypt(token: string): string {
    const [versionTag, iv, tag, data] = token.split(':');
    const key = this.byVersion.get(Number(versionTag?.slice(1)));
    if (!key || !iv || !tag || data === undefined) throw new Error('ciphertext made with an unknown key or malformed');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }

  encryptNullable(plain: string | null | undefined): string | null {
    return plain === null || plain === undefined ? null : this.encrypt(plain);
  }

  decryptNullable(token: string | null | undefined): string | null {
    return token ? this.decrypt(token) : null;
  }

  /** A keyed hash for equality lookups on encrypted columns (phone numbers, document numbers). */
  blindIndex(value: string): string {
    return createHmac('sha256', this.indexKeys[0]!).update(value).digest('hex');
  }

  /** The value's index under every configured index key, the current one first: what a stored index may be. */
  blindIndexes(value: string): string[] {
    return this.indexKeys.map((key) => createHmac('sha256', key).update(value).digest('hex'));
  }
}
