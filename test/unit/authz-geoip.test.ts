/**
 * The test MMDB writer produces files the `maxmind` reader opens (24- and 28-bit records), and GeoIp reads
 * countries and continents from them in the configured language, IPv4 and IPv6, and follows file changes.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Reader, open, type CountryResponse } from 'maxmind';
import { GeoIp } from '../../src/domain/authz/geoip.js';
import { RestrictionSet } from '../../src/domain/authz/restrictions.js';
import { createLogger } from '../../src/lib/logger.js';
import { buildMmdb, countryRecord, TEST_NETWORKS, writeMmdb } from '../support/mmdb-writer.js';
import { until } from '../support/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'barong-geoip-'));
const logger = createLogger('silent');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('test MMDB writer', () => {
  it.each([24, 28] as const)('writes a database the maxmind reader opens (%i-bit records)', async (recordSize) => {
    const path = join(dir, `country-${recordSize}.mmdb`);
    writeMmdb(path, TEST_NETWORKS, { recordSize });
    const reader = await open<CountryResponse>(path);
    expect(reader.metadata).toMatchObject({
      databaseType: 'GeoIP2-Country',
      ipVersion: 6,
      recordSize,
      binaryFormatMajorVersion: 2,
    });
    expect(reader.get('203.0.113.77')).toMatchObject({
      country: { iso_code: 'JP', names: { en: 'Japan' } },
      continent: { code: 'AS', names: { en: 'Asia' } },
    });
    expect(reader.get('198.51.100.1')?.country?.iso_code).toBe('DE');
    expect(reader.get('192.0.2.254')?.continent?.code).toBe('SA');
    expect(reader.get('2001:db8:fa:0:1::9')?.country?.iso_code).toBe('FR');
    expect(reader.getWithPrefixLength('203.0.113.1')[1]).toBe(24);
    expect(reader.get('8.8.8.8')).toBeNull();
    expect(reader.get('2001:db8:fb::1')).toBeNull();
  });

  it('encodes long strings, uint64, booleans and arrays', () => {
    const long = 'x'.repeat(70_000);
    const reader = new Reader<Record<string, unknown>>(
      buildMmdb([
        {
          network: '10.0.0.0/8',
          data: { long, mid: 'y'.repeat(300), big: 2n ** 40n, yes: true, no: false, list: [1, 'two'] },
        },
      ]),
    );
    const { long: read, ...rest } = reader.get('10.1.2.3') ?? {};
    expect(read === long).toBe(true);
    expect(rest).toEqual({ mid: 'y'.repeat(300), big: 2n ** 40n, yes: true, no: false, list: [1, 'two'] });
  });
});

describe('GeoIp', () => {
  const path = join(dir, 'geo.mmdb');
  writeMmdb(path);

  it('answers code and name of country and continent, IPv4 and IPv6', async () => {
    const geo = await GeoIp.open({ databasePath: path, lang: 'en' }, logger);
    expect(geo.enabled).toBe(true);
    expect(geo.lookup('203.0.113.5')).toEqual({
      countryCode: 'JP',
      countryName: 'Japan',
      continentCode: 'AS',
      continentName: 'Asia',
    });
    expect(geo.lookup('::ffff:198.51.100.20')).toEqual({
      countryCode: 'DE',
      countryName: 'Germany',
      continentCode: 'EU',
      continentName: 'Europe',
    });
    expect(geo.lookup('2001:DB8:FA::1')).toMatchObject({ countryCode: 'FR', continentName: 'Europe' });
    expect(geo.lookup('::ffff:cb00:7105')?.countryCode).toBe('JP');
    expect(geo.lookup('8.8.8.8')).toBeUndefined();
    expect(geo.lookup('not an ip')).toBeUndefined();
    geo.close();
  });

  it('gives names in BARONG_GEOIP_LANG, English where the database has none in it', async () => {
    const geo = await GeoIp.open({ databasePath: path, lang: 'ru' }, logger);
    expect(geo.lookup('203.0.113.5')).toMatchObject({ countryName: 'Япония', continentName: 'Азия' });
    expect(geo.lookup('192.0.2.1')).toMatchObject({ countryName: 'Brazil', continentName: 'South America' });
    geo.close();
  });

  it('without a database answers nothing', async () => {
    const geo = await GeoIp.open({ lang: 'en' }, logger);
    expect(geo.enabled).toBe(false);
    expect(geo.lookup('203.0.113.5')).toBeUndefined();
  });

  it('refuses to start on a missing or broken file', async () => {
    await expect(GeoIp.open({ databasePath: join(dir, 'missing.mmdb'), lang: 'en' }, logger)).rejects.toThrow();
    const broken = join(dir, 'broken.mmdb');
    writeFileSync(broken, readFileSync(path).subarray(0, 20));
    await expect(GeoIp.open({ databasePath: broken, lang: 'en' }, logger)).rejects.toThrow();
  });

  it('reloads the database when the file is replaced, keeping the old data when the new file is broken', async () => {
    const live = join(dir, 'live.mmdb');
    writeMmdb(live);
    const geo = await GeoIp.open({ databasePath: live, lang: 'en', watchIntervalMs: 50 }, logger);
    try {
      expect(geo.lookup('203.0.113.5')?.countryCode).toBe('JP');
      const rule = {
        id: 1,
        category: 'blacklist',
        scope: 'country',
        value: 'Japan',
        code: null,
        state: 'enabled',
      } as const;
      const restrictions = new RestrictionSet([rule], geo);
      expect(restrictions.check('203.0.113.5', 'other')).toEqual({ status: 423, key: 'authz.restrict.blacklist' });
      const next = join(dir, 'next.mmdb');
      writeMmdb(next, [
        {
          network: '203.0.113.0/24',
          data: countryRecord({ code: 'KR', names: { en: 'South Korea' } }, { code: 'AS', names: { en: 'Asia' } }),
        },
      ]);
      renameSync(next, live); // atomically, as geoipupdate does
      await until(() => geo.lookup('203.0.113.5')?.countryCode === 'KR', { what: 'the new database to be loaded' });
      // Restriction answers remembered per client IP are dropped with the old data.
      expect(restrictions.check('203.0.113.5', 'other')).toBeUndefined();
      expect(restrictions.check('203.0.113.6', 'other')).toBeUndefined();
      expect(geo.lookup('198.51.100.1')).toBeUndefined();
      writeFileSync(next, Buffer.from('definitely not a MaxMind database, but long enough to be noticed'));
      renameSync(next, live);
      await sleep(400); // several polls: the broken file is noticed, refused, and the old data stays
      expect(geo.lookup('203.0.113.5')?.countryCode).toBe('KR');
    } finally {
      geo.close();
    }
  });
});
