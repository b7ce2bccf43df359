/**
 * Barong's `BARONG_GATEWAY=akamai` setting: behind Akamai the client's address is the `True-Client-IP`
 * header. Taken only when the request came from a trusted proxy (BARONG_TRUSTED_PROXIES), so a client talking to
 * the server directly cannot choose its own address; otherwise `req.ip` stays Express's (X-Forwarded-For under
 * `trust proxy`). Set on the app's request prototype, so the authorizer, session binding and activity logs agree.
 */
import express, { type Express, type Request } from 'express';
import { isIP } from 'node:net';

type TrustFn = (address: string, hop: number) => boolean;

export function trustTrueClientIp(app: Express): void {
  const expressIp = Object.getOwnPropertyDescriptor(express.request, 'ip')?.get;
  Object.defineProperty(app.request, 'ip', {
    configurable: true,
    enumerable: true,
    get(this: Request): string | undefined {
      const header = this.headers['true-client-ip'];
      const value = typeof header === 'string' ? header.trim() : '';
      if (value && isIP(value)) {
        const trusted = this.app.get('trust proxy fn') as TrustFn;
        if (trusted(this.socket.remoteAddress ?? '', 0)) return value;
      }
      return expressIp?.call(this) as string | undefined;
    },
  });
}
