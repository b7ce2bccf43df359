import type { RequestHandler } from 'express';
import { notFound } from '../../errors/app-error.js';
import type { SessionStore } from '../../domain/sessions/session-store.js';
import type { SessionCookie } from './session-cookie.js';

/** Identity routes that act on the caller's session (logout): a live session or 404 identity.session.not_found. */
export function sessionGuard(sessions: SessionStore, cookie: SessionCookie): RequestHandler {
  return async (req, _res, next) => {
    const session = await sessions.get(cookie.read(req));
    if (!session) throw notFound('identity.session.not_found');
    req.auth = { session };
    next();
  };
}
