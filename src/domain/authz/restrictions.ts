/**
 * IP and geo restrictions of the authorizer, compiled once per load. Categories are evaluated in
 * Barong's fixed order whitelist → maintenance → blacklist → blocklogin; inside a category the first match wins in
 * the order all → ip → ip_subnet → continent → country (rows in id order inside a scope). A whitelist match ends
 * the evaluation (the request goes on); maintenance and blacklist deny with the row's code; blocklogin denies only
 * logins.
 *
 * Country and continent rows match, case-insensitively, the ISO code (`JP`, `EU`) or the GeoIP name in
 * BARONG_GEOIP_LANG (`Japan`, `Europe`). Barong compares names only, so its own seed examples (`USA`, `SA`) never
 * match; accepting codes as well makes them work and cannot make a name rule match less.
 */
import type {
  Restriction,
  RestrictionCategory,
  RestrictionScope,
} from '../../db/repositories/restrictions-repository.js';
import type { ErrorKey } from '../../errors/error-keys.js';
import type { GeoLocation, GeoLookup } from './geoip.js';
import { cidrContains, parseCidr, parseIp, type Cidr, type ParsedIp } from './ip-match.js';
import type { CanonicalPath } from './upstream-path.js';

export type RestrictionRule = Pick<Restriction, 'id' | 'category' | 'scope' | 'value' | 'code' | 'state'>;

/** A whitelist match lets the request go on; every other category denies with its own key. */
type DenyingCategory = Exclude<RestrictionCategory, 'whitelist'>;
const restrictionKey = (category: DenyingCategory) => `authz.restrict.${category}` as const satisfies ErrorKey;

export interface RestrictionDenial {
  status: number;
  key: ReturnType<typeof restrictionKey>;
}

/**
 * What a request is, as far as restrictions go: a login (the only thing blocklogin denies), the whitelink (never
 * restricted, so an operator's link works during maintenance, as in Barong), or anything else. This server's own
 * operations say it by operationId (src/api/auth/restriction-guard.ts); the gateway by path (restrictedKindOf).
 */
export type RestrictedKind = 'login' | 'whitelink' | 'other';

/** Barong's login path and the Auth0 login, which Barong's blocklogin misses. */
const LOGIN_PATHS = new Set(['api/v2/barong/identity/sessions', 'api/v2/barong/identity/sessions/auth0']);
export const WHITELINK_PATH = 'api/v2/barong/identity/users/access';

/**
 * The kind of a gateway request by its canonical path. A login path counts with or without its trailing slash (the
 * login routes tolerate one); the whitelink exemption takes the exact path only, so a doubt always denies more.
 * Any method of a login path is a login, as in Barong (logout through the gateway included).
 */
export function restrictedKindOf(path: CanonicalPath): RestrictedKind {
  if (path === WHITELINK_PATH) return 'whitelink';
  return LOGIN_PATHS.has(path.endsWith('/') ? path.slice(0, -1) : path) ? 'login' : 'other';
}

const ORDER: readonly RestrictionCategory[] = ['whitelist', 'maintenance', 'blacklist', 'blocklogin'];
/** Clients repeat: the matches per client IP are remembered (cleared when full, on reload, on a GeoIP change). */
const MEMO_MAX = 20_000;

/** Barong's defaults when a row has no code: maintenance 471; else continent/country 423, ip_subnet 403, ip/all 401. */
export function defaultRestrictionCode(category: RestrictionCategory, scope: RestrictionScope): number {
  if (category === 'maintenance') return 471;
  if (scope === 'continent' || scope === 'country') return 423;
  if (scope === 'ip_subnet') return 403;
  return 401;
}

/** A restriction denies: its code must say so (a 2xx would let the request through a gateway, a 3xx redirect it). */
export function isDenialCode(code: number | null | undefined): code is number {
  return Number.isInteger(code) && code! >= 400 && code! <= 599;
}

/** The row's own code when it is a denial, else Barong's default: rows changed in SQL skip the admin's validation. */
function denialStatus(rule: RestrictionRule): number {
  return isDenialCode(rule.code) ? rule.code : defaultRestrictionCode(rule.category, rule.scope);
}

interface CompiledCategory {
  all?: RestrictionRule;
  ips: Map<string, RestrictionRule>;
  subnets: { cidr: Cidr; rule: RestrictionRule }[];
  continents: Map<string, RestrictionRule>;
  countries: Map<string, RestrictionRule>;
}

const firstOf = (a: RestrictionRule | undefined, b: RestrictionRule | undefined) =>
  a && b ? (a.id <= b.id ? a : b) : (a ?? b);
const lower = (s: string | undefined) => s?.toLowerCase() ?? '';

export class RestrictionSet {
  private readonly categories: { name: RestrictionCategory; rules: CompiledCategory }[] = [];
  private readonly usesGeo: boolean;
  private readonly memo = new Map<string, (RestrictionRule | undefined)[]>();
  private memoGeoVersion: number;
  readonly size: number;

  /** Disabled rows are ignored; unparseable ip / ip_subnet values never match. */
  constructor(
    rows: readonly RestrictionRule[],
    private readonly geo: GeoLookup,
  ) {
    const enabled = rows.filter((r) => r.state === 'enabled').sort((a, b) => a.id - b.id);
    this.size = enabled.length;
    for (const name of ORDER) {
      const compiled: CompiledCategory = { ips: new Map(), subnets: [], continents: new Map(), countries: new Map() };
      for (const rule of enabled.filter((r) => r.category === name)) this.add(compiled, rule);
      const { all, ips, subnets, continents, countries } = compiled;
      if (all || ips.size || subnets.length || continents.size || countries.size)
        this.categories.push({ name, rules: compiled });
    }
    this.usesGeo = this.categories.some((c) => c.rules.continents.size > 0 || c.rules.countries.size > 0);
    this.memoGeoVersion = geo.version;
  }

  /** Undefined: the request may go on. */
  check(ip: string, kind: RestrictedKind): RestrictionDenial | undefined {
    if (!this.categories.length || kind === 'whitelink') return undefined;
    const hits = this.matches(ip);
    for (let i = 0; i < hits.length; i++) {
      const rule = hits[i];
      if (!rule) continue;
      const { name } = this.categories[i]!;
      if (name === 'whitelist') return undefined;
      if (name === 'blocklogin' && kind !== 'login') continue;
      return { status: denialStatus(rule), key: restrictionKey(name) };
    }
    return undefined;
  }

  /** The first matching row of each category (in this.categories' order) for a client IP. */
  private matches(ip: string): (RestrictionRule | undefined)[] {
    if (this.usesGeo && this.geo.version !== this.memoGeoVersion) {
      this.memo.clear();
      this.memoGeoVersion = this.geo.version;
    }
    let hits = this.memo.get(ip);
    if (!hits) {
      const client = parseIp(ip);
      const location = this.usesGeo && client ? this.geo.lookup(client.text) : undefined;
      hits = this.categories.map(({ rules }) => match(rules, client, location));
      if (this.memo.size >= MEMO_MAX) this.memo.clear();
      this.memo.set(ip, hits);
    }
    return hits;
  }

  private add(c: CompiledCategory, rule: RestrictionRule): void {
    const setFirst = (map: Map<string, RestrictionRule>, key: string) => {
      if (key && !map.has(key)) map.set(key, rule);
    };
    switch (rule.scope) {
      case 'all':
        c.all ??= rule;
        break;
      case 'ip': {
        const ip = parseIp(rule.value);
        if (ip) setFirst(c.ips, ip.text);
        break;
      }
      case 'ip_subnet': {
        const cidr = parseCidr(rule.value);
        if (cidr) c.subnets.push({ cidr, rule });
        break;
      }
      case 'continent':
        setFirst(c.continents, lower(rule.value.trim()));
        break;
      case 'country':
        setFirst(c.countries, lower(rule.value.trim()));
        break;
    }
  }
}

function match(
  c: CompiledCategory,
  client: ParsedIp | undefined,
  location: GeoLocation | undefined,
): RestrictionRule | undefined {
  if (c.all) return c.all;
  if (!client) return undefined;
  const byIp = c.ips.get(client.text);
  if (byIp) return byIp;
  for (const { cidr, rule } of c.subnets) if (cidrContains(cidr, client)) return rule;
  if (!location) return undefined;
  return (
    firstOf(c.continents.get(lower(location.continentCode)), c.continents.get(lower(location.continentName))) ??
    firstOf(c.countries.get(lower(location.countryCode)), c.countries.get(lower(location.countryName)))
  );
}
