/**
 * Barong binds a session to the browser that opened it: the same User-Agent and a client IP
 * in the same /16 (IPv4) or /96 (IPv6) network as at login.
 */
import ipaddr from 'ipaddr.js';
import { timingSafeEqual } from 'node:crypto';
import type { Session } from './session-store.js';

function sameNetwork(a: string, b: string): boolean {
  try {
    const x = ipaddr.process(a);
    const y = ipaddr.process(b);
    if (x.kind() === 'ipv4' && y.kind() === 'ipv4') return (x as ipaddr.IPv4).match(y as ipaddr.IPv4, 16);
    if (x.kind() === 'ipv6' && y.kind() === 'ipv6') return (x as ipaddr.IPv6).match(y as ipaddr.IPv6, 96);
    return false;
  } catch {
    return false;
  }
}

export function sessionMatchesClient(session: Session, ip: string, userAgent: string): boolean {
  return session.userAgent === userAgent && sameNetwork(session.userIp, ip);
}

/** Constant-time string equality for secrets (CSRF tokens, signatures). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
