/**
 * Client addresses and CIDR networks for `ip` and `ip_subnet` restrictions and GeoIP lookups (IPv4 and IPv6).
 * The canonical text is the one restrictions store: IPv4 dotted decimal without leading zeros; an IPv4-mapped IPv6
 * address (`::ffff:203.0.113.7`, also in hex `::ffff:cb00:7107`) is the IPv4 address it carries; IPv6 lower-case
 * with the first longest run of zero groups compressed (RFC 5952). ipaddr.js parses; the stricter checks below
 * refuse what it would otherwise accept (octal or hex IPv4 parts, zone ids).
 */
import ipaddr from 'ipaddr.js';

export interface ParsedIp {
  /** The canonical text, e.g. `203.0.113.7`, `2001:db8::7`. */
  text: string;
  /** 4 bytes for IPv4, 16 for IPv6. */
  bytes: Uint8Array;
  address: ipaddr.IPv4 | ipaddr.IPv6;
}

export interface Cidr {
  address: ipaddr.IPv4 | ipaddr.IPv6;
  prefix: number;
}

const strictV4 = (s: string) => ipaddr.IPv4.isValidFourPartDecimal(s) && !/(^|\.)0\d/.test(s);

/** `::1.2.3.4` → `::102:304`: ipaddr.js reads any dotted tail as IPv4-mapped, but only `::ffff:a.b.c.d` is. */
function withHexTail(s: string): string {
  const colon = s.lastIndexOf(':');
  const tail = s.slice(colon + 1);
  if (!tail.includes('.')) return s;
  const [a, b, c, d] = tail.split('.').map(Number) as [number, number, number, number];
  return `${s.slice(0, colon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

function parseAddress(s: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (!s.includes(':')) return strictV4(s) ? ipaddr.IPv4.parse(s) : undefined;
  if (s.includes('%') || !ipaddr.IPv6.isValid(s)) return undefined;
  if (s.includes('.') && !strictV4(s.slice(s.lastIndexOf(':') + 1))) return undefined;
  const v6 = ipaddr.IPv6.parse(withHexTail(s));
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
}

export function parseIp(address: string): ParsedIp | undefined {
  const parsed = parseAddress(address.trim());
  return parsed && { text: parsed.toString(), bytes: Uint8Array.from(parsed.toByteArray()), address: parsed };
}

/** `203.0.113.0/24`, `2001:db8::/32`; host bits are ignored (as Ruby's IPAddr masks them). */
export function parseCidr(value: string): Cidr | undefined {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(value.trim());
  if (!match) return undefined;
  const ip = parseIp(match[1] ?? '');
  const prefix = Number(match[2]);
  if (!ip || prefix > (ip.address.kind() === 'ipv4' ? 32 : 128)) return undefined;
  return { address: ip.address, prefix };
}

/** The canonical text of a CIDR value, e.g. `2001:DB8::/32` → `2001:db8::/32`. */
export function canonicalCidr(value: string): string | undefined {
  const cidr = parseCidr(value);
  return cidr && `${cidr.address.toString()}/${cidr.prefix}`;
}

export function cidrContains(cidr: Cidr, ip: ParsedIp): boolean {
  const { address } = ip;
  if (address.kind() !== cidr.address.kind()) return false;
  return address instanceof ipaddr.IPv4
    ? address.match(cidr.address as ipaddr.IPv4, cidr.prefix)
    : address.match(cidr.address as ipaddr.IPv6, cidr.prefix);
}
