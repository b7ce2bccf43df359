/** Calling the resource API as a signed-in user: a browser session (cookie + CSRF token) or a Bearer JWT. */
import request from 'supertest';
import type { TestApp } from './app.js';
import { sessionCookie } from './factories.js';
import type { User } from '../../src/db/repositories/users-repository.js';
import type { DomainEvent } from '../../src/domain/events/domain-events.js';
import { userClaims } from '../../src/domain/tokens/session-jwt.js';

export const RESOURCE = '/api/v2/barong/resource';
export const BROWSER = 'vitest-browser/1.0';

export interface BrowserSession {
  cookie: string;
  csrf: string;
  /** The session id (the cookie's value). */
  id: string;
}

/** Logs in through POST /identity/sessions as a browser would; `ip` is sent as X-Forwarded-For (loopback is a trusted proxy). */
export async function login(
  t: TestApp,
  user: { email: string; password: string },
  opts: { userAgent?: string; ip?: string; otpCode?: string } = {},
): Promise<BrowserSession> {
  const req = request(t.app)
    .post('/api/v2/barong/identity/sessions')
    .set('User-Agent', opts.userAgent ?? BROWSER);
  if (opts.ip) req.set('X-Forwarded-For', opts.ip);
  const body: Record<string, string> = { email: user.email, password: user.password };
  if (opts.otpCode) body.otp_code = opts.otpCode;
  const res = await req.send(body);
  if (res.status !== 201) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  const cookie = sessionCookie(res)!;
  return { cookie, csrf: res.body.csrf_token as string, id: cookie.split('=')[1]! };
}

export function bearer(t: TestApp, user: User): Promise<string> {
  return t.services.sessionJwt.sign(userClaims(user));
}

type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';

/** A request with a Bearer token. */
export function withToken(t: TestApp, method: Method, path: string, token: string) {
  return request(t.app)
    [method](RESOURCE + path)
    .set('Authorization', `Bearer ${token}`);
}

/** A request with the session cookie, the same User-Agent as at login and (unless `csrf: false`) the CSRF token. */
export function withSession(
  t: TestApp,
  method: Method,
  path: string,
  s: BrowserSession,
  opts: { csrf?: boolean } = {},
) {
  const req = request(t.app)
    [method](RESOURCE + path)
    .set('Cookie', s.cookie)
    .set('User-Agent', BROWSER);
  return opts.csrf === false ? req : req.set('X-CSRF-Token', s.csrf);
}

/** Every domain event the app dispatches from now on, through a real subscriber on the app's dispatcher. */
export function recordEvents(t: TestApp): DomainEvent[] {
  const events: DomainEvent[] = [];
  t.services.dispatcher.subscribe('test-recorder', async (e) => {
    events.push(e);
  });
  return events;
}
