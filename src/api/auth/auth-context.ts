import type { Request } from 'express';
import { isIP } from 'node:net';
import type { Session } from '../../domain/sessions/session-store.js';
import type { User } from '../../db/repositories/users-repository.js';
import type { RequestContext } from '../../domain/accounts/request-context.js';
import type { AccountDetails } from '../../domain/accounts/account-details.js';
import type { GeoLookup } from '../../domain/authz/geoip.js';

/** Who a guard found behind a request. */
export interface AuthContext {
  session?: Session;
  user?: User;
  /** The user's account view, read with the user (the `account` guard); absent from every other guard. */
  account?: AccountDetails;
}

declare module 'express-serve-static-core' {
  interface Request {
    auth?: AuthContext;
  }
  /** Set by composeApp: the GeoIP lookup that fills RequestContext.country. */
  interface Locals {
    geoip?: GeoLookup;
  }
}

/**
 * The client's address: Express's (the first untrusted X-Forwarded-For entry, see BARONG_TRUSTED_PROXIES), unless
 * that entry is no address at all (proxy-addr passes on whatever a trusted hop sent); then the nearest hop that is
 * one, the peer itself. Garbage never becomes an address to log, bind a session to or look up restrictions for.
 */
/** What the client's address and context are read from (any operation's typed request is one). */
export type RequestLike = Pick<Request, 'ip' | 'socket' | 'app' | 'get'>;

export function clientIp(req: RequestLike): string {
  const ip = req.ip;
  return ip && isIP(ip) ? ip : (req.socket.remoteAddress ?? '');
}

export function requestContext(req: RequestLike): RequestContext {
  const ip = clientIp(req);
  const country = req.app.locals.geoip?.lookup(ip)?.countryName;
  return { ip, userAgent: req.get('user-agent') ?? '', ...(country ? { country } : {}) };
}
