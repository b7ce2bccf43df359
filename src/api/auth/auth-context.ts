import type { Request } from 'express';
import type { Session } from '../../domain/sessions/session-store.js';
import type { User } from '../../db/repositories/users-repository.js';
import type { RequestContext } from '../../domain/accounts/request-context.js';

/** Who a guard found behind a request. */
export interface AuthContext {
  session?: Session;
  user?: User;
}

declare module 'express-serve-static-core' {
  interface Request {
    auth?: AuthContext;
  }
}

export function requestContext(req: Request): RequestContext {
  return { ip: req.ip ?? req.socket.remoteAddress ?? '', userAgent: req.get('user-agent') ?? '' };
}
