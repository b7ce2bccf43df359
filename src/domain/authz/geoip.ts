/**
 * Country and continent of a client IP from a MaxMind GeoIP2/GeoLite2 Country (or City) database
 * (`BARONG_MAXMINDDB_PATH`, Barong's MAXMINDDB_PATH), names in `BARONG_GEOIP_LANG`. Read into memory at start with
 * the `maxmind` package and re-read when the file changes (a weekly geoipupdate), without a restart; a broken new
 * file is logged and the previous data kept. No path → lookups answer nothing, so geo restrictions never match.
 */
import { unwatchFile, watchFile, type Stats } from 'node:fs';
import type { CountryResponse, Reader } from 'maxmind';
import type { Logger } from '../../lib/logger.js';
import { parseIp } from './ip-match.js';

export interface GeoLocation {
  countryCode?: string;
  countryName?: string;
  continentCode?: string;
  continentName?: string;
}

/** What restrictions and activities need: one in-memory lookup, no I/O. */
export interface GeoLookup {
  lookup(ip: string): GeoLocation | undefined;
  /** Changes whenever the data behind lookup() changes, so callers may cache answers until then. */
  readonly version: number;
}

export interface GeoIpOptions {
  databasePath?: string;
  lang: string;
  /** How often the file's mtime is polled (fs.watchFile); tests shorten it. */
  watchIntervalMs?: number;
}

type Names = Record<string, string | undefined>;

/** Imported here so a server without a GeoIP database never loads the reader. */
async function readDatabase(path: string): Promise<Reader<CountryResponse>> {
  const { open } = await import('maxmind');
  return open<CountryResponse>(path, { cache: { max: 50_000 } });
}

export class GeoIp implements GeoLookup {
  private stopWatching?: () => void;
  private loads = 0;

  private constructor(
    private reader: Reader<CountryResponse> | undefined,
    private readonly lang: string,
  ) {}

  /** Throws when a configured file cannot be read: a wrong path should stop the server, not disable geo rules. */
  static async open(options: GeoIpOptions, logger: Logger): Promise<GeoIp> {
    const { databasePath, lang } = options;
    if (!databasePath) return new GeoIp(undefined, lang);
    const geo = new GeoIp(await readDatabase(databasePath), lang);
    geo.watch(databasePath, options.watchIntervalMs ?? 30_000, logger);
    logger.info({ path: databasePath, type: geo.reader?.metadata.databaseType }, 'GeoIP database loaded');
    return geo;
  }

  get version(): number {
    return this.loads;
  }

  get enabled(): boolean {
    return this.reader !== undefined;
  }

  lookup(ip: string): GeoLocation | undefined {
    const reader = this.reader;
    const address = reader && parseIp(ip)?.text;
    if (!reader || !address) return undefined;
    let record: CountryResponse | null;
    try {
      record = reader.get(address);
    } catch {
      return undefined;
    }
    if (!record?.country && !record?.continent) return undefined;
    return {
      countryCode: record.country?.iso_code,
      countryName: this.name(record.country?.names),
      continentCode: record.continent?.code,
      continentName: this.name(record.continent?.names),
    };
  }

  close(): void {
    this.stopWatching?.();
    this.stopWatching = undefined;
  }

  /** Names in the configured language; English when the database has none in it (Barong answers nil). */
  private name(names: object | undefined): string | undefined {
    const n = names as Names | undefined;
    return n?.[this.lang] ?? n?.en;
  }

  private watch(path: string, interval: number, logger: Logger): void {
    let reloading = Promise.resolve();
    const listener = (current: Stats, previous: Stats) => {
      if (current.mtimeMs === previous.mtimeMs && current.size === previous.size) return;
      if (current.size === 0) return; // removed, or being written
      reloading = reloading.then(async () => {
        try {
          this.reader = await readDatabase(path);
          this.loads += 1;
          logger.info({ path }, 'GeoIP database reloaded');
        } catch (err) {
          logger.error({ err, path }, 'GeoIP database changed but cannot be read; keeping the previous one');
        }
      });
    };
    watchFile(path, { persistent: false, interval }, listener);
    this.stopWatching = () => unwatchFile(path, listener);
  }
}
