/**
 * Who may open the queue dashboard, and how its writes are kept from being forged by another site.
 *
 * Reading it needs `read Queue` in the abilities file (bundled: superadmin only); each write needs its own action
 * on `Queue` as well (board-actions.ts). No credential: 401; a caller whose role lacks the ability: 403.
 *
 * CSRF: the board's own script sends its writes (PUT, PATCH, POST) with the session cookie but cannot send the
 * session's X-CSRF-Token, which it knows nothing of. So a write must prove it comes from this origin: the browser's
 * `Sec-Fetch-Site: same-origin`, or, from a browser too old to send that, an `Origin` naming this host; a script
 * may send the session's X-CSRF-Token instead, as on the resource API. A form or fetch from any other site,
 * sibling subdomains included (SameSite=Lax does not stop those), is refused with 403.
 */
import type { Request, RequestHandler } from 'express';
import { forbidden, AppError } from '../../errors/app-error.js';
import type { Abilities } from '../../domain/admin/abilities.js';
import type { AuthzPolicy } from '../../domain/authz/authz-policy.js';
import { safeEqual } from '../../domain/sessions/session-binding.js';
import { clientIp } from '../auth/auth-context.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const isWrite = (method: string): boolean => !SAFE_METHODS.has(method.toUpperCase());

/** The IP restrictions (maintenance, blacklist) that hold for every other operation of this server. */
export function boardRestrictions(policy: Pick<AuthzPolicy, 'restrictionFor'>): RequestHandler {
  return (req, _res, next) => {
    const denial = policy.restrictionFor(clientIp(req), 'other');
    next(denial ? new AppError(denial.status, denial.key) : undefined);
  };
}

/** After the user guard: the caller's role may read the board. */
export function mayReadBoard(abilities: () => Abilities): RequestHandler {
  return (req, _res, next) => {
    const role = req.auth?.user?.role ?? '';
    next(
      abilities().can(role, { action: 'read', subject: 'Queue' })
        ? undefined
        : forbidden('admin.ability.not_permitted'),
    );
  };
}

function fromThisOrigin(req: Request): boolean {
  const site = req.get('sec-fetch-site');
  if (site) return site === 'same-origin';
  const origin = req.get('origin');
  if (!origin) return false;
  try {
    return new URL(origin).host === req.host;
  } catch {
    return false;
  }
}

function carriesSessionCsrfToken(req: Request): boolean {
  const token = req.get('x-csrf-token');
  const session = req.auth?.session;
  return !!token && !!session && safeEqual(token, session.csrfToken);
}

/** Writes only from the board's own page (or a script holding the session's CSRF token). */
export const sameOriginWrites: RequestHandler = (req, _res, next) => {
  const allowed = !isWrite(req.method) || fromThisOrigin(req) || carriesSessionCsrfToken(req);
  next(allowed ? undefined : forbidden('authz.cross_site_request'));
};

// The board's script and styles come from its package, served here; its loading screen and components set inline
// styles; the Google Fonts stylesheet its page names stays blocked (the board falls back to local fonts).
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Replaces the API's `default-src 'none'`, which would leave the page blank; job views are never cached. */
export const boardHeaders: RequestHandler = (_req, res, next) => {
  res.set({ 'Content-Security-Policy': CSP, 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' });
  next();
};
