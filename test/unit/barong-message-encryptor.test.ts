/** The reader of Barong's encrypted personal data against values Ruby's own ActiveSupport wrote (make-vectors.rb). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BarongEncryption, BarongValueRefused } from '../../src/import/barong/message-encryptor.js';
import { dumpRubyDate, dumpRubyString, readRubyValue } from '../../src/import/barong/ruby-marshal.js';

interface Vector {
  salt: string;
  cipher: string;
  key_hex: string;
  marshal_hex: string;
  value: string;
  kind: 'string' | 'date';
  stored: string;
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/barong/vectors.json', import.meta.url), 'utf8')) as {
  secret_key_base: string;
  vectors: Vector[];
  refused: string[];
};
const encryption = new BarongEncryption(fixture.secret_key_base);

describe('Barong personal data (ActiveSupport MessageEncryptor, Ruby Marshal)', () => {
  it('derives the keys Ruby derived, once per salt', async () => {
    for (const v of fixture.vectors) expect((await encryption.keyFor(v.salt)).toString('hex')).toBe(v.key_hex);
    expect(encryption.derivedKeys).toBe(new Set(fixture.vectors.map((v) => v.salt)).size);
  });

  it('decrypts every vector, GCM and CBC', async () => {
    expect(fixture.vectors.some((v) => v.cipher === 'aes-256-cbc')).toBe(true);
    for (const v of fixture.vectors)
      expect(await encryption.decrypt(v.stored), `${v.cipher} ${v.value}`).toEqual({ kind: v.kind, value: v.value });
  });

  it('writes the Marshal bytes Ruby writes for UTF-8 strings and dates', () => {
    for (const v of fixture.vectors.filter((x) => x.cipher === 'aes-256-gcm' && x.salt === '202001')) {
      if (v.kind === 'date') expect(dumpRubyDate(v.value).toString('hex')).toBe(v.marshal_hex);
      else if (/^04084922/.test(v.marshal_hex) && v.marshal_hex.endsWith('063a064554'))
        expect(dumpRubyString(v.value).toString('hex')).toBe(v.marshal_hex);
      expect(readRubyValue(Buffer.from(v.marshal_hex, 'hex')).value).toBe(v.value);
    }
  });

  it('round-trips its own encrypt side in both shapes', async () => {
    for (const cipher of ['gcm', 'cbc'] as const)
      for (const value of [
        { kind: 'string', value: 'Zoë 山田' },
        { kind: 'date', value: '2001-02-28' },
      ] as const)
        expect(await encryption.decrypt(await encryption.encrypt(value, '202150', cipher))).toEqual(value);
  });

  it('refuses other Ruby objects, a wrong key and tampering', async () => {
    for (const stored of fixture.refused) await expect(encryption.decrypt(stored)).rejects.toThrow(BarongValueRefused);
    const v = fixture.vectors[0]!;
    await expect(new BarongEncryption('another key base').decrypt(v.stored)).rejects.toThrow(BarongValueRefused);
    const cbc = fixture.vectors.find((x) => x.cipher === 'aes-256-cbc')!;
    await expect(encryption.decrypt(cbc.stored.replace(/.--/, 'A--'))).rejects.toThrow(BarongValueRefused);
    await expect(encryption.decrypt('no salt here')).rejects.toThrow(BarongValueRefused);
  });
});
