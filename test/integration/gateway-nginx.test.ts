/**
 * A real gateway in front of the authorizer: Debian's nginx with `auth_request` (test/support/nginx.ts, the
 * configuration docs/gateways.md shows) between a client and a tiny upstream that records what it receives. Proves that a
 * browser session and a signed API-key request reach the upstream with a JWT any service can verify against the
 * JWKS, that a bad signature or a missing CSRF token never reaches it, that pass-list paths reach it without
 * Authorization (a client's own header stripped), that another spelling of a blocked path (`//`, `%2F`, dot
 * segments) never reaches it, and what status a client sees when the authorizer refuses.
 *
 * nginx's auth_request knows only three answers: 2xx lets the request through, 401 and 403 are sent to the
 * client as they are, anything else (422 authz.invalid_api_key_headers, 423/471 restrictions, 404) becomes a 500.
 * The authorizer's JSON body never reaches the client through nginx; only the status does.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { generateSecret } from 'otplib';
import { startTestApp, type TestApp } from '../support/app.js';
import { createApiKey, createUser, totpCode } from '../support/factories.js';
import { gatewayServerBlock, NGINX_BINARY, nginxInstalled, startNginx, type Nginx } from '../support/nginx.js';
import { hmacHex } from '../../src/domain/api-keys/api-key-secrets.js';
import { rawSend } from '../support/raw-http.js';
import { login } from '../support/account-client.js';

const BROWSER = 'vitest-gateway/1.0';
const PROTECTED = '/api/v2/peatio/account/balances';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** The protected service: answers 200 and remembers every request it got. */
async function startUpstream(): Promise<{ server: Server; address: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    received.push({ method: req.method!, url: req.url!, headers: req.headers });
    req.resume();
    res
      .writeHead(200, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ upstream: true, authorization: req.headers.authorization ?? null }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, address: `127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

const skip = !nginxInstalled();
if (skip) {
  // CI installs nginx (.ci/run, ensure_packages); a developer machine may not have it.
  console.warn(`gateway-nginx.test.ts skipped: ${NGINX_BINARY} is not installed (apt-get install nginx-light)`);
}

describe.skipIf(skip)('nginx auth_request in front of the authorizer', () => {
  let t: TestApp;
  let app: Server;
  let appUrl: string;
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let nginx: Nginx;
  let user: Awaited<ReturnType<typeof createUser>>;
  let otpSecret: string;
  let key: { kid: string; secret: string };
  let session: { cookie: string; csrf: string };

  beforeAll(async () => {
    t = await startTestApp();
    app = await new Promise<Server>((resolve) => {
      const s = t.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    upstream = await startUpstream();
    nginx = await startNginx({ barong: appUrl.replace('http://', ''), exchange: upstream.address });

    otpSecret = generateSecret();
    user = await createUser(t, { otpSecret });
    key = await createApiKey(t, { type: 'User', id: user.id });

    // A browser signs in through the gateway (Barong's own API sits behind the same nginx).
    const res = await fetch(`${nginx.url}/api/v2/barong/identity/sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': BROWSER },
      body: JSON.stringify({ email: user.email, password: user.password, otp_code: await totpCode(otpSecret) }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const cookie = res.headers
      .getSetCookie()
      .find((c) => c.startsWith('_barong_session='))!
      .split(';')[0]!;
    session = { cookie, csrf: ((await res.json()) as { csrf_token: string }).csrf_token };
  });

  afterAll(async () => {
    await nginx?.stop();
    if (upstream) await new Promise((r) => upstream.server.close(r));
    if (app) await new Promise((r) => app.close(r));
    await t?.close();
  });

  beforeEach(() => {
    upstream.received.length = 0;
  });

  const browser = (extra: Record<string, string> = {}) => ({ 'User-Agent': BROWSER, Cookie: session.cookie, ...extra });

  function signed(nonce = String(Date.now()), secret = key.secret): Record<string, string> {
    return {
      'X-Auth-Apikey': key.kid,
      'X-Auth-Nonce': nonce,
      'X-Auth-Signature': hmacHex('HS256', secret, nonce + key.kid),
    };
  }

  /** The one request the upstream got, with the uid of the verified JWT it carried. */
  async function reachedWithJwt(method: string, url: string): Promise<string> {
    expect(upstream.received).toHaveLength(1);
    const got = upstream.received[0]!;
    expect({ method: got.method, url: got.url }).toEqual({ method, url });
    const token = got.headers.authorization?.match(/^Bearer (.+)$/)?.[1];
    expect(token, 'the upstream got a Bearer JWT').toBeDefined();
    const jwks = createRemoteJWKSet(new URL(`${appUrl}/api/v2/barong/identity/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(token!, jwks, { issuer: 'barong', audience: 'peatio' });
    expect(protectedHeader.kid).toEqual(expect.any(String));
    expect(payload).toMatchObject({ sub: 'session', email: user.email, role: 'member', state: 'active' });
    return payload.uid as string;
  }

  it('a session cookie reaches the upstream with a JWT that verifies against the JWKS', async () => {
    const res = await fetch(`${nginx.url}${PROTECTED}?currency=btc`, { headers: browser() });
    expect(res.status).toBe(200);
    expect(await reachedWithJwt('GET', `${PROTECTED}?currency=btc`)).toBe(user.uid);
  });

  it('the original method reaches the authorizer: a POST with its CSRF token passes, without it stops at nginx (401)', async () => {
    const ok = await fetch(`${nginx.url}/api/v2/peatio/market/orders`, {
      method: 'POST',
      headers: browser({ 'X-CSRF-Token': session.csrf, 'Content-Type': 'application/json' }),
      body: JSON.stringify({ market: 'btcusd', side: 'buy' }),
    });
    expect(ok.status).toBe(200);
    expect(await reachedWithJwt('POST', '/api/v2/peatio/market/orders')).toBe(user.uid);

    upstream.received.length = 0;
    const refused = await fetch(`${nginx.url}/api/v2/peatio/market/orders`, {
      method: 'POST',
      headers: browser({ 'Content-Type': 'application/json' }),
      body: JSON.stringify({ market: 'btcusd', side: 'buy' }),
    });
    expect(refused.status).toBe(401);
    expect(upstream.received).toEqual([]);
  });

  it('a request signed with an API key reaches the upstream with the key holder in the JWT', async () => {
    const res = await fetch(`${nginx.url}${PROTECTED}`, { headers: { 'User-Agent': 'trading-bot/2.0', ...signed() } });
    expect(res.status).toBe(200);
    expect(await reachedWithJwt('GET', PROTECTED)).toBe(user.uid);
  });

  it('a bad signature never reaches the upstream: nginx answers 401', async () => {
    const res = await fetch(`${nginx.url}${PROTECTED}`, { headers: signed(String(Date.now()), 'f'.repeat(32)) });
    expect(res.status).toBe(401);
    expect(upstream.received).toEqual([]);
  });

  it('neither a cookie nor a key: 401, nothing reaches the upstream', async () => {
    const res = await fetch(`${nginx.url}${PROTECTED}`, { headers: { 'User-Agent': BROWSER } });
    expect(res.status).toBe(401);
    expect(upstream.received).toEqual([]);
  });

  it('an authorizer answer other than 401/403 (422 for incomplete X-Auth headers) is a 500 at nginx, never a pass', async () => {
    const { 'X-Auth-Signature': _dropped, ...incomplete } = signed();
    const direct = await fetch(`${appUrl}/api/v2/barong/auth${PROTECTED}`, { headers: incomplete });
    expect({ status: direct.status, body: await direct.json() }).toEqual({
      status: 422,
      body: { errors: ['authz.invalid_api_key_headers'] },
    });
    const res = await fetch(`${nginx.url}${PROTECTED}`, { headers: incomplete });
    expect(res.status).toBe(500);
    expect(upstream.received).toEqual([]);
  });

  it('a pass-list path reaches the upstream without Authorization, even when the client sent its own', async () => {
    const res = await fetch(`${nginx.url}/api/v2/peatio/public/markets`, {
      headers: { Authorization: 'Bearer forged.by.client' },
    });
    expect(res.status).toBe(200);
    expect(upstream.received).toHaveLength(1);
    expect(upstream.received[0]!.url).toBe('/api/v2/peatio/public/markets');
    expect(upstream.received[0]!.headers.authorization).toBeUndefined();
  });

  it('another spelling of a blocked path (`//`, `/./`, `%2F`, `x/..`) never reaches the upstream: nginx answers 401', async () => {
    // An admin may reach all of api/v2 but what the block list holds back.
    const admin = await createUser(t, { role: 'admin' });
    const adminSession = await login(t, admin, { userAgent: BROWSER });
    const asAdmin = { 'User-Agent': BROWSER, Cookie: adminSession.cookie };
    expect((await rawSend(nginx.url, 'GET', '/api/v2/peatio/admin/x', asAdmin)).status).toBe(200);
    upstream.received.length = 0;
    for (const path of [
      '/api/v2/peatio//management/x',
      '/api/v2/peatio/./management/x',
      '/api/v2/peatio%2Fmanagement/x',
      '/api/v2/peatio/x/../management/x',
    ]) {
      const res = await rawSend(nginx.url, 'GET', path, asAdmin);
      expect(res.status, path).toBe(401);
    }
    expect(upstream.received).toEqual([]);
  });

  it('docs/gateways.md shows this exact server block', () => {
    expect(readFileSync(new URL('../../docs/gateways.md', import.meta.url), 'utf8')).toContain(
      gatewayServerBlock('80'),
    );
  });
});
