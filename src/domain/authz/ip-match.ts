/**
 * Client addresses and CIDR networks as bytes, for `ip` and `ip_subnet` restrictions and GeoIP lookups (IPv4 and
 * IPv6), parsed by hand because this runs on every authorized request (`new URL()` costs microseconds).
 * The canonical text is the one `restrictionIp` (src/domain/authz/restriction-ip.ts) stores: IPv4 dotted; an
 * IPv4-mapped IPv6 address (`::ffff:203.0.113.7`, also in hex `::ffff:cb00:7107`) is the IPv4 address it carries;
 * IPv6 lower-case with the first longest run of zero groups compressed (RFC 5952, as WHATWG URLs serialise it).
 */

export interface ParsedIp {
  /** The canonical text, e.g. `203.0.113.7`, `2001:db8::7`. */
  text: string;
  /** 4 bytes for IPv4, 16 for IPv6. */
  bytes: Uint8Array;
}

export interface Cidr {
  bytes: Uint8Array;
  prefix: number;
}

const V4_PART = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)$/; // as node:net isIPv4: no leading zeros
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseV4(s: string): Uint8Array | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!V4_PART.test(p)) return undefined;
    out[i] = Number(p);
  }
  return out;
}

function parseGroups(s: string, into: number[]): boolean {
  if (!s) return true;
  for (const g of s.split(':')) {
    if (!HEX_GROUP.test(g)) return false;
    into.push(parseInt(g, 16));
  }
  return true;
}

function parseV6(address: string): Uint8Array | undefined {
  let s = address;
  let tail: Uint8Array | undefined;
  const lastColon = s.lastIndexOf(':');
  if (s.indexOf('.', lastColon) >= 0) {
    tail = parseV4(s.slice(lastColon + 1));
    if (!tail) return undefined;
    s = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const head: number[] = [];
  const rest: number[] = [];
  if (!parseGroups(halves[0]!, head) || !parseGroups(halves[1] ?? '', rest)) return undefined;
  const zeros = 8 - head.length - rest.length;
  if (halves.length === 1 ? zeros !== 0 : zeros < 1) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 1 ? 0 : zeros).fill(0), ...rest];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[i * 2] = g >> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  if (tail) out.set(tail, 12);
  return out;
}

function v6Text(bytes: Uint8Array): string {
  const groups = Array.from({ length: 8 }, (_, i) => (bytes[i * 2]! << 8) | bytes[i * 2 + 1]!);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = (from: number, to: number) => groups.slice(from, to).map((g) => g.toString(16)).join(':');
  return bestStart < 0 ? hex(0, 8) : `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}

const isV4Mapped = (b: Uint8Array) => b[10] === 0xff && b[11] === 0xff && b.subarray(0, 10).every((x) => x === 0);

export function parseIp(address: string): ParsedIp | undefined {
  const s = address.trim();
  if (!s.includes(':')) {
    const v4 = parseV4(s);
    return v4 && { text: s, bytes: v4 };
  }
  const bytes = parseV6(s);
  if (!bytes) return undefined;
  if (isV4Mapped(bytes)) {
    const v4 = bytes.slice(12);
    return { text: v4.join('.'), bytes: v4 };
  }
  return { text: v6Text(bytes), bytes };
}

/** `203.0.113.0/24`, `2001:db8::/32`; host bits are ignored (as Ruby's IPAddr masks them). */
export function parseCidr(value: string): Cidr | undefined {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(value.trim());
  if (!match) return undefined;
  const ip = parseIp(match[1] ?? '');
  const prefix = Number(match[2]);
  if (!ip || prefix > ip.bytes.length * 8) return undefined;
  return { bytes: ip.bytes, prefix };
}

/** The canonical text of a CIDR value, e.g. `2001:DB8::/32` → `2001:db8::/32`. */
export function canonicalCidr(value: string): string | undefined {
  const cidr = parseCidr(value);
  if (!cidr) return undefined;
  return `${parseIp(value.trim().split('/')[0] ?? '')?.text}/${cidr.prefix}`;
}

export function cidrContains(cidr: Cidr, ip: ParsedIp): boolean {
  if (cidr.bytes.length !== ip.bytes.length) return false;
  const whole = cidr.prefix >> 3;
  for (let i = 0; i < whole; i++) if (cidr.bytes[i] !== ip.bytes[i]) return false;
  const bits = cidr.prefix & 7;
  if (!bits) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return ((cidr.bytes[whole] ?? 0) & mask) === ((ip.bytes[whole] ?? 0) & mask);
}
