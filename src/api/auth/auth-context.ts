import type { Request } from 'express';
import type { Session } from '../../domain/sessions/session-store.js';
import type { User } from '../../db/repositories/users-repository.js';
import type { RequestContext } from '../../domain/accounts/request-context.js';
import type { GeoLookup } from '../../domain/authz/geoip.js';

/** Who a guard found behind a request. */
export interface AuthContext {
  session?: Session;
  user?: User;
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

export function requestContext(req: Request): RequestContext {
  const ip = req.ip ?? req.socket.remoteAddress ?? '';
  const country = req.app.locals.geoip?.lookup(ip)?.countryName;
  return { ip, userAgent: req.get('user-agent') ?? '', ...(country ? { country } : {}) };
}
