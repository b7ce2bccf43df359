/** Gateways that call a fixed address (Traefik forwardAuth) send the original request in X-Forwarded-*. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createUser } from '../support/factories.js';
import { BROWSER, login, type BrowserSession } from '../support/account-client.js';

let trusted: TestApp;
let untrusted: TestApp;

beforeAll(async () => {
  trusted = await startTestApp();
  untrusted = await startTestApp({ BARONG_TRUSTED_PROXIES: '10.9.9.9' });
});
afterAll(async () => {
  await Promise.all([trusted?.close(), untrusted?.close()]);
});

async function session(t: TestApp): Promise<BrowserSession> {
  const user = await createUser(t);
  return login(t, user);
}

const forwardAuth = (t: TestApp, s: BrowserSession, method: string, uri: string) =>
  request(t.app)
    .get('/api/v2/barong/auth')
    .set('Cookie', s.cookie)
    .set('User-Agent', BROWSER)
    .set('X-Forwarded-Method', method)
    .set('X-Forwarded-Uri', uri);

describe('bare /auth with X-Forwarded-Method and X-Forwarded-Uri', () => {
  it('authorizes the forwarded request from a trusted proxy', async () => {
    const s = await session(trusted);
    const res = await forwardAuth(trusted, s, 'GET', '/api/v2/barong/resource/users/me?x=1').expect(200);
    expect(res.headers.authorization).toMatch(/^Bearer ey/);
  });

  it('takes the forwarded method: a POST needs the CSRF token', async () => {
    const s = await session(trusted);
    const res = await forwardAuth(trusted, s, 'POST', '/api/v2/barong/resource/labels').expect(401);
    expect(res.body).toEqual({ errors: ['authz.missing_csrf_token'] });
    await forwardAuth(trusted, s, 'POST', '/api/v2/barong/resource/labels').set('X-CSRF-Token', s.csrf).expect(200);
  });

  it('passes a pass-listed path without a token', async () => {
    const s = await session(trusted);
    const res = await forwardAuth(trusted, s, 'GET', '/api/v2/barong/public/ping').expect(200);
    expect(res.headers.authorization).toBeUndefined();
  });

  it('ignores the headers from a caller that is not a trusted proxy', async () => {
    const s = await session(untrusted);
    const res = await forwardAuth(untrusted, s, 'GET', '/api/v2/barong/public/ping');
    expect(res.status).toBe(401);
    expect(res.headers.authorization).toBeUndefined();
  });
});
