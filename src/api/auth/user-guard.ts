/**
 * Who may call the resource API: a Bearer JWT signed by this server, or the session cookie, whose
 * state-changing requests also need the session's X-CSRF-Token. Barong takes only the Bearer token, which
 * strands users without a gateway (upstream #1070, #889); we take both. Anything else fails closed with 401.
 */
import type { Request, RequestHandler } from 'express';
import { unauthorized } from '../../errors/app-error.js';
import type { SessionStore } from '../../domain/sessions/session-store.js';
import type { SessionJwt } from '../../domain/tokens/session-jwt.js';
import type { UsersRepository, User } from '../../db/repositories/users-repository.js';
import type { AccountDetailsRepository } from '../../db/repositories/account-details-repository.js';
import type { AccountDetails } from '../../domain/accounts/account-details.js';
import { safeEqual, sessionMatchesClient } from '../../domain/sessions/session-binding.js';
import { SIGN_IN_STATES } from '../../domain/accounts/account-state.js';
import type { SessionCookie } from './session-cookie.js';
import { requestContext } from './auth-context.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface UserGuardDeps {
  sessions: SessionStore;
  cookie: SessionCookie;
  sessionJwt: SessionJwt;
  users: () => UsersRepository;
  csrfProtection: boolean;
  /**
   * Given: the user is read with the account view (UserWithFullInfo's lists), in one statement, into
   * `req.auth.account`. For operations that answer that view as it is (GET /users/me): one round trip, not two.
   */
  accounts?: () => AccountDetailsRepository;
}

function bearerToken(req: Request): string | undefined {
  const header = req.get('authorization');
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}

function requireActive(user: User | undefined): User {
  if (!user) throw unauthorized('jwt.decode_and_verify');
  if (!SIGN_IN_STATES.has(user.state)) throw unauthorized('authz.user_not_active');
  return user;
}

export function userGuard(d: UserGuardDeps): RequestHandler {
  const find = async (uid: string): Promise<{ user?: User; account?: AccountDetails }> => {
    if (!d.accounts) return { user: await d.users().findByUid(uid) };
    const account = await d.accounts().findByUid(uid);
    return { user: account?.user, account };
  };
  return async (req, _res, next) => {
    const token = bearerToken(req);
    if (token) {
      const claims = await d.sessionJwt.verify(token);
      if (!claims) throw unauthorized('jwt.decode_and_verify');
      const { user, account } = await find(claims.uid);
      req.auth = { user: requireActive(user), ...(account ? { account } : {}) };
      return next();
    }
    const sessionId = d.cookie.read(req);
    if (!sessionId) throw unauthorized('jwt.decode_and_verify');
    const checkCsrf = d.csrfProtection && !SAFE_METHODS.has(req.method);
    const csrf = req.get('x-csrf-token');
    if (checkCsrf && !csrf) throw unauthorized('authz.missing_csrf_token');
    const session = await d.sessions.get(sessionId);
    if (!session) throw unauthorized('jwt.decode_and_verify');
    if (checkCsrf && !safeEqual(csrf ?? '', session.csrfToken)) throw unauthorized('authz.csrf_token_mismatch');
    const ctx = requestContext(req);
    if (!sessionMatchesClient(session, ctx.ip, ctx.userAgent)) {
      await d.sessions.destroy(session);
      throw unauthorized('authz.client_session_mismatch');
    }
    // The user is checked before the session slides: a refused user's session must not be kept alive.
    const found = await find(session.uid);
    const user = requireActive(found.user);
    req.auth = { session: await d.sessions.touch(session), user, ...(found.account ? { account: found.account } : {}) };
    next();
  };
}
