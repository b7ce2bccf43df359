/**
 * The form in which a client address is stored as an `ip` restriction and must be compared: IPv4 dotted quads
 * (an IPv4-mapped IPv6 address such as `::ffff:203.0.113.7`, which a dual-stack listener reports, becomes
 * `203.0.113.7`), IPv6 in its canonical compressed lower-case form.
 */
import { isIP } from 'node:net';

const V4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

export function restrictionIp(address: string): string | undefined {
  const mapped = V4_MAPPED.exec(address)?.[1];
  const ip = mapped ?? address;
  const kind = isIP(ip);
  if (kind === 4) return ip;
  if (kind !== 6) return undefined;
  try {
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  } catch {
    return undefined; // e.g. a link-local address with a zone id
  }
}
