/**
 * Secrets and personal data at rest: AES-256-GCM with a key from configuration. Each ciphertext names the
 * version of the key that made it (`v1:<iv>:<tag>:<data>`), so keys can rotate: the newest key encrypts,
 * every configured key still decrypts.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

export interface EncryptionKey {
  version: number;
  key: Buffer;
}

const IV_BYTES = 12;

export class Encryptor {
  private readonly current: EncryptionKey;
  private readonly byVersion: Map<number, Buffer>;
  private readonly indexKey: Buffer;

  constructor(keys: EncryptionKey[]) {
    const sorted = [...keys].sort((a, b) => b.version - a.version);
    if (!sorted[0]) throw new Error('at least one encryption key is required');
    this.current = sorted[0];
    this.byVersion = new Map(sorted.map((k) => [k.version, k.key]));
    // Blind indexes must not change when the encryption key rotates, so they hang off the oldest key.
    const oldest = sorted[sorted.length - 1]!;
    this.indexKey = createHmac('sha256', oldest.key).update('barong blind index').digest();
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
    return createHmac('sha256', this.indexKey).update(value).digest('hex');
  }
}
