/**
 * Barong's personal data at rest: EncryptionService packs `<salt>.<message>`, where the message is ActiveSupport's
 * MessageEncryptor output under `KeyGenerator(SECRET_KEY_BASE).generate_key(salt, 32)` (PBKDF2-HMAC-SHA1, 2^16
 * iterations, 32 bytes) and the value is Ruby-Marshal'd (ruby-marshal.ts). Two shapes exist:
 * - AES-256-GCM (Rails 5.2 defaults, Barong 2.6): `base64(data)--base64(iv)--base64(auth tag)`, no signature;
 * - AES-256-CBC (older defaults): `base64(base64(data)--base64(iv))--hex(HMAC-SHA1)`, the HMAC over the outer
 *   base64 text with the same 32-byte key (MessageEncryptor signs with the secret when it is given no sign secret).
 * The salt is Barong's weekly `%Y%W`, so thousands of values share a few keys: each key is derived once.
 */
import { createCipheriv, createDecipheriv, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { dumpRubyDate, dumpRubyString, readRubyValue, type RubyValue } from './ruby-marshal.js';

const pbkdf2Async = promisify(pbkdf2);
const ITERATIONS = 2 ** 16;
const KEY_BYTES = 32;

export class BarongValueRefused extends Error {}

/** `<salt>.<message>` as EncryptionService.unpack reads it: the salt is the word characters before the first dot. */
export function unpack(stored: string): { salt: string; message: string } {
  const match = /^(\w*)\.(.*)$/s.exec(stored);
  if (!match) throw new BarongValueRefused('not a <salt>.<message> value');
  return { salt: match[1]!, message: match[2]! };
}

const base64 = /^[A-Za-z0-9+/]*={0,2}$/;

function fromBase64(text: string): Buffer {
  if (!base64.test(text)) throw new BarongValueRefused('malformed base64');
  return Buffer.from(text, 'base64');
}

export class BarongEncryption {
  private readonly keys = new Map<string, Promise<Buffer>>();

  constructor(private readonly secretKeyBase: string) {}

  /** The key of a salt, derived once per salt and kept for the run. */
  keyFor(salt: string): Promise<Buffer> {
    let key = this.keys.get(salt);
    if (!key) {
      key = pbkdf2Async(this.secretKeyBase, salt, ITERATIONS, KEY_BYTES, 'sha1');
      this.keys.set(salt, key);
    }
    return key;
  }

  get derivedKeys(): number {
    return this.keys.size;
  }

  async decrypt(stored: string): Promise<RubyValue> {
    const { salt, message } = unpack(stored);
    const key = await this.keyFor(salt);
    const parts = message.split('--');
    const plain = parts.length === 3 ? openGcm(key, parts as [string, string, string]) : openCbc(key, parts);
    try {
      return readRubyValue(plain);
    } catch (err) {
      throw new BarongValueRefused((err as Error).message);
    }
  }

  /** Barong's encrypt side, for the test fixtures: a String or a Date as EncryptionService.encrypt stores it. */
  async encrypt(value: RubyValue, salt: string, cipher: 'gcm' | 'cbc' = 'gcm'): Promise<string> {
    const key = await this.keyFor(salt);
    const plain = value.kind === 'date' ? dumpRubyDate(value.value) : dumpRubyString(value.value);
    return `${salt}.${cipher === 'gcm' ? sealGcm(key, plain) : sealCbc(key, plain)}`;
  }
}

function openGcm(key: Buffer, [data, iv, tag]: [string, string, string]): Buffer {
  const authTag = fromBase64(tag);
  if (authTag.length !== 16) throw new BarongValueRefused('truncated authentication tag');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, fromBase64(iv));
    decipher.setAuthTag(authTag);
    decipher.setAAD(Buffer.alloc(0));
    return Buffer.concat([decipher.update(fromBase64(data)), decipher.final()]);
  } catch {
    throw new BarongValueRefused('does not open under SECRET_KEY_BASE (AES-256-GCM)');
  }
}

function openCbc(key: Buffer, parts: string[]): Buffer {
  if (parts.length !== 2) throw new BarongValueRefused('neither the GCM nor the CBC message shape');
  const [signed, digest] = parts as [string, string];
  const expected = createHmac('sha1', key).update(signed).digest();
  const given = /^[0-9a-f]{40}$/.test(digest) ? Buffer.from(digest, 'hex') : Buffer.alloc(0);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new BarongValueRefused('signature does not verify under SECRET_KEY_BASE (AES-256-CBC)');
  const inner = fromBase64(signed).toString('latin1').split('--');
  if (inner.length !== 2) throw new BarongValueRefused('malformed CBC message');
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, fromBase64(inner[1]!));
    return Buffer.concat([decipher.update(fromBase64(inner[0]!)), decipher.final()]);
  } catch {
    throw new BarongValueRefused('does not open under SECRET_KEY_BASE (AES-256-CBC)');
  }
}

function sealGcm(key: Buffer, plain: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plain), cipher.final()]);
  return [data, iv, cipher.getAuthTag()].map((b) => b.toString('base64')).join('--');
}

function sealCbc(key: Buffer, plain: Buffer): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const data = Buffer.concat([cipher.update(plain), cipher.final()]);
  const signed = Buffer.from(`${data.toString('base64')}--${iv.toString('base64')}`).toString('base64');
  return `${signed}--${createHmac('sha1', key).update(signed).digest('hex')}`;
}
