/**
 * `ANY /api/v2/barong/auth/{path}` and Barong's own `/api/v2/auth/{path}`, the endpoint a gateway asks: it forwards the
 * original method, headers and cookies, with the original path (and query) after `/auth/`. 200 with
 * `Authorization: Bearer <JWT>` (or without it for a pass-listed path); otherwise Barong's status and `authz.*` key.
 * Mounted before the body parsers and the contract validator (src/app.ts): the hot path pays for neither.
 */
import type { Request } from 'express';
import type { Config } from '../../config/index.js';
import type { Authorizer, AuthzRequest } from '../../domain/authz/authorizer.js';
import type { Handler, Reply } from '../types.js';
import { AppError, badRequest } from '../../errors/app-error.js';
import type { Metrics } from '../../lib/metrics.js';
import { canonicalUpstreamPath, INVALID_PATH, type CanonicalPath } from '../../domain/authz/upstream-path.js';
import { clientIp } from '../auth/auth-context.js';

/** The contract's operations of this endpoint, one per HTTP method; one handler serves them all. */
export const AUTHORIZE_OPERATIONS = [
  'authorizeGet',
  'authorizePost',
  'authorizePut',
  'authorizePatch',
  'authorizeDelete',
  'authorizeHead',
  'authorizeOptions',
] as const;
export type AuthorizeOperation = (typeof AUTHORIZE_OPERATIONS)[number];

export interface AuthzHandlerDeps {
  authorizer: Authorizer;
  config: Config;
  /** One count per answer: `allowed`, or the refusal's key; nothing else on this path (docs/operations.md#metrics). */
  metrics: Pick<Metrics, 'gatewayDecision'>;
}

/** The answer's name in `barong_gateway_decisions_total`: a closed set (the error catalogue), never request data. */
function refusalKey(err: unknown): string {
  return err instanceof AppError ? (err.keys[0] ?? 'server.internal_error') : 'server.internal_error';
}

/** Where the authorizer is mounted (src/api/router.ts); Express matched the request against one of these. */
const GATEWAY_MOUNT = /^\/api\/v2\/(?:barong\/)?auth(?=\/|$)/i;

function canonicalOrRefused(raw: string | undefined): CanonicalPath {
  const path = raw === undefined ? undefined : canonicalUpstreamPath(raw);
  if (path === undefined) throw badRequest(INVALID_PATH);
  return path;
}

/**
 * The upstream path after `/auth/`, in its canonical form (src/domain/authz/upstream-path.ts), from the raw request
 * target: Express's `*path` parameter is already decoded segment by segment, which loses whether a `/` was
 * encoded and would decode a second time what the canonical form decodes. 400 `authz.invalid_path` when there is
 * no canonical form.
 */
export function upstreamPath(req: Request): CanonicalPath {
  const pathname = req.originalUrl.split('?', 1)[0]!;
  const mount = GATEWAY_MOUNT.exec(pathname);
  return canonicalOrRefused(mount ? pathname.slice(mount[0].length) : undefined);
}

/** One cookie's value from the Cookie header (cookie-parser runs after this route). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    const value = part
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return undefined;
}

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

type TrustFn = (address: string, hop: number) => boolean;

/**
 * Traefik's forwardAuth calls a fixed address (the bare `/api/v2/barong/auth`) with the original request in
 * `X-Forwarded-Method` and `X-Forwarded-Uri`. Believed only from a trusted proxy (BARONG_TRUSTED_PROXIES), so a
 * client talking to the server directly cannot choose what gets authorized.
 */
function forwardedRequest(req: Request): { method: string; path: CanonicalPath } | undefined {
  if ((req.params as { path?: unknown }).path !== undefined) return undefined;
  const uri = one(req.headers['x-forwarded-uri']);
  const trusted = req.app.get('trust proxy fn') as TrustFn;
  if (!uri || !trusted(req.socket.remoteAddress ?? '', 0)) return undefined;
  const path = canonicalOrRefused(uri.startsWith('/') ? uri.split('?', 1)[0] : undefined);
  return { method: (one(req.headers['x-forwarded-method']) ?? req.method).toUpperCase(), path };
}

/**
 * Barong (`present?`): any of the three headers non-blank → API-key mode, even alongside a session cookie; then all
 * three must be non-blank. Blank headers alone (a gateway forwarding empty ones) leave cookie mode.
 */
function apiKeyHeaders(req: Request): AuthzRequest['apiKey'] {
  const kid = one(req.headers['x-auth-apikey']);
  const nonce = one(req.headers['x-auth-nonce']);
  const signature = one(req.headers['x-auth-signature']);
  if (!kid?.trim() && !nonce?.trim() && !signature?.trim()) return undefined;
  return { kid, nonce, signature };
}

export function createAuthzHandlers(d: AuthzHandlerDeps) {
  const cookieName = d.config.session.cookieName;

  const decide = async (req: Request): Promise<Reply<'authorizeGet'>> => {
    const forwarded = forwardedRequest(req);
    const grant = await d.authorizer.authorize({
      method: forwarded?.method ?? req.method.toUpperCase(),
      path: forwarded?.path ?? upstreamPath(req),
      ip: clientIp(req),
      userAgent: req.get('user-agent') ?? '',
      sessionId: cookieValue(req.headers.cookie, cookieName),
      csrfToken: req.get('x-csrf-token'),
      apiKey: apiKeyHeaders(req),
      params: () => ({ ...(req.query as Record<string, unknown>) }),
    });
    return {
      status: 200,
      body: undefined,
      headers: grant.token ? { Authorization: `Bearer ${grant.token}` } : undefined,
    };
  };

  const authorize = async (req: Request): Promise<Reply<'authorizeGet'>> => {
    try {
      const reply = await decide(req);
      d.metrics.gatewayDecision('allowed');
      return reply;
    } catch (err) {
      d.metrics.gatewayDecision(refusalKey(err));
      throw err;
    }
  };

  // The operations differ only in their method: same parameters, same answers.
  const handlers: { [O in AuthorizeOperation]: Handler<O> } = {
    authorizeGet: authorize,
    authorizePost: authorize,
    authorizePut: authorize,
    authorizePatch: authorize,
    authorizeDelete: authorize,
    authorizeHead: authorize,
    authorizeOptions: authorize,
  };
  return handlers;
}
