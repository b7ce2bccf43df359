/** Whether a TCP peer is this machine: the socket's own remote address, never a header a client can write. */
import { BlockList, isIPv4 } from 'node:net';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  // An IPv4 client of a dual-stack listener appears as ::ffff:a.b.c.d.
  const v4 = address.toLowerCase().startsWith('::ffff:') ? address.slice(7) : address;
  if (isIPv4(v4)) return LOOPBACK.check(v4, 'ipv4');
  try {
    return LOOPBACK.check(address, 'ipv6');
  } catch {
    return false;
  }
}
