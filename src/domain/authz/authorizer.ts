/**
 * The gateway authorizer (docs/gateways.md): decides, for one request an API gateway forwards, whether it may reach its
 * upstream and with which JWT. In order:
 *   1. restrictions (the whitelink path is exempt)                → the row's status, authz.restrict.<category>
 *   2. block list (authz-rules)                                    → 401 authz.permission_denied
 *   3. pass list                                                   → allowed, no JWT
 *   4. API-key mode when any X-Auth-* header is present (api-key-authenticator.ts), else cookie mode
 *   5. permissions (audits and user denials become admin activities) → 401 authz.invalid_permission
 *   6. a JWT of the principal's claims, reused while the claims are unchanged (issued-tokens.ts)
 * Everything it reads per request is in memory or in Redis (one round trip for a session, two for an API key: the
 * key and its holder, then the nonce marker); nothing reads MariaDB unless a cached record is missing.
 */
import { createHash } from 'node:crypto';
import { unauthorized, AppError } from '../../errors/app-error.js';
import { SIGN_IN_STATES } from '../accounts/account-state.js';
import { safeEqual, sessionMatchesClient } from '../sessions/session-binding.js';
import type { SessionStore } from '../sessions/session-store.js';
import type { AuthzPolicy } from './authz-policy.js';
import type { AuthzRules } from './authz-rules.js';
import { isOwnAdminPath } from '../admin/admin-actor.js';
import type { AdminActivityLog } from './admin-activity-log.js';
import type { AuthorizerCache } from './authorizer-cache.js';
import type { Cached, PrincipalRecord } from './authorizer-records.js';
import type { ApiKeyAuthenticator, ApiKeyHeaders } from './api-key-authenticator.js';
import type { IssuedTokens } from './issued-tokens.js';
import type { CanonicalPath } from './upstream-path.js';
import { restrictedKindOf } from './restrictions.js';

export interface AuthzRequest {
  /** Upper-case HTTP method of the original request. */
  method: string;
  /** The upstream path in its one canonical form (upstream-path.ts), used by every step below alike. */
  path: CanonicalPath;
  ip: string;
  userAgent: string;
  sessionId?: string;
  csrfToken?: string;
  /** Present when any X-Auth-* header is. */
  apiKey?: ApiKeyHeaders;
  /** The request parameters for an admin activity (read only when one is recorded). */
  params: () => Record<string, unknown>;
}

export interface AuthzGrant {
  /** The JWT for the upstream; none for a pass-listed path. */
  token?: string;
}

export interface AuthorizerDeps {
  policy: Pick<AuthzPolicy, 'restrictionFor' | 'permissionFor'>;
  rules: Pick<AuthzRules, 'verdict'>;
  cache: AuthorizerCache;
  apiKeys: ApiKeyAuthenticator;
  sessions: SessionStore;
  tokens: IssuedTokens;
  activities: Pick<AdminActivityLog, 'record'>;
  csrfProtection: boolean;
}

/** The methods whose cookie requests need the CSRF token, as in Barong (GET, HEAD, OPTIONS go without). */
const CSRF_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'TRACE']);

interface Principal {
  principal: Cached<PrincipalRecord>;
  /** Whose JWT this is, for reuse: a session (by its hash) or an API key. */
  holder: string;
}

export class Authorizer {
  constructor(private readonly d: AuthorizerDeps) {}

  async authorize(req: AuthzRequest): Promise<AuthzGrant> {
    const denial = this.d.policy.restrictionFor(req.ip, restrictedKindOf(req.path));
    if (denial) throw new AppError(denial.status, denial.key);
    const verdict = this.d.rules.verdict(req.path);
    if (verdict === 'block') throw unauthorized('authz.permission_denied');
    if (verdict === 'pass') return {};

    const { principal, holder } = req.apiKey ? await this.byApiKey(req, req.apiKey) : await this.bySession(req);
    this.checkPermission(req, principal.value);
    return { token: await this.d.tokens.tokenFor(holder, principal.raw, principal.value.claims) };
  }

  private async byApiKey(req: AuthzRequest, headers: ApiKeyHeaders): Promise<Principal> {
    const { principal, kid } = await this.d.apiKeys.authenticate(headers, req.method, req.path);
    return { principal, holder: `k:${kid}` };
  }

  /** Cookie mode in Barong's order; the lookup slides the expiry before the user's state is checked, as Barong does. */
  private async bySession(req: AuthzRequest): Promise<Principal> {
    const checkCsrf = this.d.csrfProtection && CSRF_METHODS.has(req.method);
    if (checkCsrf && !req.csrfToken) throw unauthorized('authz.missing_csrf_token');
    const { session, principal } = await this.d.cache.session(req.sessionId);
    // Barong compares with the session's token before looking for the session: no session is a mismatch here.
    if (checkCsrf && !safeEqual(req.csrfToken ?? '', session?.csrfToken ?? ''))
      throw unauthorized('authz.csrf_token_mismatch');
    if (!session) throw unauthorized('authz.invalid_session');
    const holder = `s:${createHash('sha256').update(session.id).digest('base64url')}`;
    if (!sessionMatchesClient(session, req.ip, req.userAgent)) {
      await this.d.sessions.destroy(session);
      this.d.tokens.forget(holder);
      throw unauthorized('authz.client_session_mismatch');
    }
    if (!principal) throw unauthorized('authz.invalid_session'); // the user is gone (Barong: 404)
    if (!SIGN_IN_STATES.has(principal.value.claims.state)) {
      // The lookup slid the session; a banned or deleted user's session must not live on (nor return on unban).
      await this.d.sessions.destroy(session);
      this.d.tokens.forget(holder);
      throw unauthorized('authz.user_not_active');
    }
    return { principal, holder };
  }

  /** An AUDIT row or a denial of a user becomes an admin activity (written in the background). */
  private checkPermission(req: AuthzRequest, principal: PrincipalRecord): void {
    const decision = this.d.policy.permissionFor(principal.claims.role, req.method, req.path);
    // Allowed calls to this server's admin API are recorded by the admin API itself, in the write's transaction.
    if (decision.audit && principal.kind === 'user' && !(decision.allowed && isOwnAdminPath(req.path))) {
      this.d.activities.record({
        userId: principal.id,
        ip: req.ip,
        userAgent: req.userAgent,
        method: req.method,
        path: req.path,
        params: req.params(),
        audit: decision.audit,
      });
    }
    if (!decision.allowed) throw unauthorized('authz.invalid_permission');
  }
}
