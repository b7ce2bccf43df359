/**
 * Phone verification codes. Random digits from the CSPRNG; never stored as they are: the phone row keeps
 * HMAC-SHA256(blind-index key, "phone-code:<user id>:<number index>:<code>") (Encryptor.blindIndex, a key that
 * lives in configuration, not in the database), so a leaked table does not give the codes away even though a
 * 5-digit space is small, and the same code on two phones gives two different digests.
 */
import { randomInt, timingSafeEqual } from 'node:crypto';
import type { Encryptor } from '../../lib/encryptor.js';

export function generateCode(length: number): string {
  let code = '';
  for (let i = 0; i < length; i++) code += String(randomInt(10));
  return code;
}

export class PhoneCodeDigest {
  constructor(private readonly encryptor: Encryptor) {}

  digest(userId: number, numberIndex: string, code: string): string {
    return this.encryptor.blindIndex(`phone-code:${userId}:${numberIndex}:${code}`);
  }

  matches(digest: string, userId: number, numberIndex: string, code: string): boolean {
    const expected = Buffer.from(digest, 'utf8');
    const actual = Buffer.from(this.digest(userId, numberIndex, code.trim()), 'utf8');
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}
