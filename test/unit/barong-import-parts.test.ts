/** Pieces of `import barong`: Rails' YAML scopes, Ruby's Julian days, Vault's transit batches, CarrierWave paths. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopeFromYaml } from '../../src/import/barong/tables/api-keys.js';
import { isoToJulianDay, julianDayToIso } from '../../src/import/barong/ruby-marshal.js';
import { VaultTransit } from '../../src/import/barong/vault-transit.js';
import { carrierWavePath, importedUploadKey } from '../../src/import/barong/document-files.js';
import { isSafeKey } from '../../src/lib/storage/file-storage.js';
import { startVaultStandIn, type VaultStandIn } from '../support/vault-stand-in.js';

describe('API-key scopes as Rails serialised them', () => {
  it('reads YAML lists, empty ones and nothing', () => {
    expect(scopeFromYaml('--- []\n')).toEqual([]);
    expect(scopeFromYaml('---\n- trade\n- read\n')).toEqual(['trade', 'read']);
    expect(scopeFromYaml("---\n- 'trade'\n")).toEqual(['trade']);
    expect(scopeFromYaml(null)).toEqual([]);
    expect(() => scopeFromYaml('---\nkey: value\n')).toThrow();
  });
});

describe('Julian day numbers (Ruby Date#marshal_dump)', () => {
  it('round-trips calendar dates, leap days included', () => {
    expect(isoToJulianDay('1990-01-02')).toBe(2447894);
    for (const iso of ['1900-02-28', '1969-12-31', '2000-02-29', '2024-12-31', '1583-01-01'])
      expect(julianDayToIso(isoToJulianDay(iso))).toBe(iso);
  });
});

describe('CarrierWave paths and our keys', () => {
  it('names the file under document/upload/<id>/ and refuses names that leave it', () => {
    expect(carrierWavePath(12, 'scan.png')).toBe('document/upload/12/scan.png');
    expect(() => carrierWavePath(12, '../../etc/passwd')).toThrow();
    expect(() => carrierWavePath(12, '..')).toThrow();
  });

  it('keeps a known extension, lower-cased, and makes a safe key', () => {
    expect(importedUploadKey(7, 'Scan.JPG')).toBe('documents/barong/7.jpg');
    expect(importedUploadKey(7, 'weird name.exe')).toBe('documents/barong/7.bin');
    expect(isSafeKey(importedUploadKey(7, 'Scan.JPG'))).toBe(true);
  });
});

describe("Vault's transit decrypt, in batches", () => {
  let vault: VaultStandIn;
  beforeAll(async () => {
    vault = await startVaultStandIn();
  });
  afterAll(() => vault.close());

  it('decrypts a batch in one request; a refused item is null, the others come back', async () => {
    const transit = new VaultTransit({ address: vault.url, token: vault.token, key: 'barong_apikeys_secret' });
    const good = vault.encrypt('barong_apikeys_secret', 'a1b2c3');
    const otherKey = vault.encrypt('another_key', 'x');
    const before = vault.requests.length;
    expect(await transit.decryptAll([good, '', otherKey, 'not vault', good])).toEqual([
      'a1b2c3',
      null,
      null,
      null,
      'a1b2c3',
    ]);
    expect(vault.requests.length - before).toBe(1);
  });

  it('says so when Vault refuses the token', async () => {
    const transit = new VaultTransit({ address: vault.url, token: 'wrong', key: 'barong_apikeys_secret' });
    await expect(transit.decryptAll([vault.encrypt('barong_apikeys_secret', 'x')])).rejects.toThrow(/HTTP 403/);
  });
});
