/**
 * What every answer carries: the request id (given or generated, also in the request's log lines with its operation
 * and user), helmet's security headers, and Barong's CORS policy for the contract's API.
 */
import { Writable } from 'node:stream';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadContract } from '../../src/api/contract.js';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/lib/logger.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { bearer } from '../support/account-client.js';
import { activeUser } from '../support/factories.js';
import { asRouteTable, notImplementedTable, openGuards } from '../support/route-table.js';

const ALLOWED = 'https://exchange.test';
const REFUSED = 'https://elsewhere.test';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let t: TestApp;
const lines: string[] = [];
const logged = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  const sink = new Writable({
    write: (chunk, _enc, done) => (lines.push(...String(chunk).trim().split('\n')), done()),
  });
  t = await startTestApp(
    {
      BARONG_API_CORS_ORIGINS: `${ALLOWED}, https://admin.exchange.test`,
      BARONG_API_CORS_ALLOW_CREDENTIALS: 'true',
      BARONG_API_CORS_MAX_AGE: '600',
    },
    { logger: createLogger('info', 'barong', sink) },
  );
});
afterAll(() => t?.close());

describe('request ids', () => {
  it('keeps a sane incoming X-Request-Id and answers with it', async () => {
    const res = await request(t.app).get('/api/v2/barong/identity/ping').set('X-Request-Id', 'edge-7f3a:42/retry');
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe('edge-7f3a:42/retry');
  });

  it.each([
    ['too long', 'a'.repeat(129)],
    ['with spaces', 'two words'],
    ['non-ASCII', 'ünïcode'],
    ['empty', ''],
  ])('replaces one that is %s by a fresh UUID', async (_what, given) => {
    const res = await request(t.app).get('/api/v2/barong/identity/ping').set('X-Request-Id', given);
    expect(res.headers['x-request-id']).toMatch(UUID);
  });

  it('generates one per request when none is given, on errors and the gateway authorizer too', async () => {
    const answers = await Promise.all([
      request(t.app).get('/api/v2/barong/identity/ping'),
      request(t.app).get('/api/v2/barong/no/such/route').expect(404),
      request(t.app).get('/api/v2/barong/resource/users/me').expect(401),
      request(t.app).get('/api/v2/barong/auth/api/v2/peatio/account/balances').expect(401),
      request(t.app).get('/api/v2/auth/api/v2/peatio/account/balances').expect(401),
    ]);
    const ids = answers.map((res) => res.headers['x-request-id'] as string);
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('puts the id, the operationId and the uid in the request log line', async () => {
    const user = await activeUser(t);
    const res = await request(t.app)
      .get('/api/v2/barong/resource/users/me')
      .set('Authorization', `Bearer ${await bearer(t, user)}`)
      .set('X-Request-Id', 'trace-me-1');
    expect(res.status).toBe(200);
    const line = logged().find((l) => l.reqId === 'trace-me-1');
    expect(line).toMatchObject({ reqId: 'trace-me-1', operationId: 'getMe', uid: user.uid, res: { statusCode: 200 } });
  });

  it('names the operation of a refused request, before any user is known', async () => {
    await request(t.app).get('/api/v2/barong/resource/users/me').set('X-Request-Id', 'trace-me-2').expect(401);
    const line = logged().find((l) => l.reqId === 'trace-me-2');
    expect(line).toMatchObject({ operationId: 'getMe', res: { statusCode: 401 } });
    expect(line).not.toHaveProperty('uid');
  });
});

describe('security headers', () => {
  it.each([
    ['an operation', '/api/v2/barong/identity/ping', 200],
    ['an error', '/api/v2/barong/no/such/route', 404],
    ['the gateway authorizer', '/api/v2/barong/auth/api/v2/peatio/account/balances', 401],
  ])('are on %s', async (_what, path, status) => {
    const res = await request(t.app).get(path).expect(status);
    expect(res.headers).toMatchObject({
      'content-security-policy': "default-src 'none';frame-ancestors 'none'",
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cross-origin-resource-policy': 'same-site',
    });
    expect(res.headers).not.toHaveProperty('x-powered-by');
  });
});

describe('CORS', () => {
  const preflight = (origin: string) =>
    request(t.app)
      .options('/api/v2/barong/identity/sessions')
      .set('Origin', origin)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,x-csrf-token');

  it('answers a preflight from an allowed origin', async () => {
    const res = await preflight(ALLOWED).expect(204);
    expect(res.headers).toMatchObject({
      'access-control-allow-origin': ALLOWED,
      'access-control-allow-credentials': 'true',
      'access-control-max-age': '600',
      'access-control-allow-headers': 'content-type,x-csrf-token',
    });
    expect(res.headers['access-control-allow-methods']).toContain('POST');
    expect(res.headers.vary).toContain('Origin');
  });

  it('answers a preflight from a refused origin without allowing it, not as an unknown route', async () => {
    const res = await preflight(REFUSED).expect(204);
    expect(res.headers).not.toHaveProperty('access-control-allow-origin');
  });

  it('marks an actual request from an allowed origin, exposing the request id', async () => {
    const res = await request(t.app).get('/api/v2/barong/identity/ping').set('Origin', ALLOWED).expect(200);
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers['access-control-expose-headers']).toContain('X-Request-Id');
  });

  it('serves an actual request from a refused origin without allowing the browser to read it', async () => {
    const res = await request(t.app).get('/api/v2/barong/identity/ping').set('Origin', REFUSED).expect(200);
    expect(res.headers).not.toHaveProperty('access-control-allow-origin');
  });

  it("leaves the gateway authorizer's OPTIONS operation to the authorizer", async () => {
    const res = await request(t.app)
      .options('/api/v2/barong/auth/api/v2/peatio/account/balances')
      .set('Origin', ALLOWED)
      .set('Access-Control-Request-Method', 'POST');
    expect(res.status).toBe(401);
    expect(res.headers).not.toHaveProperty('access-control-allow-origin');
  });

  it("allows any origin without credentials by Barong's defaults", async () => {
    const contract = loadContract();
    const app = createApp({
      config: loadConfig({ NODE_ENV: 'development' }),
      logger: createLogger('silent'),
      contract,
      routes: asRouteTable(notImplementedTable(contract)),
      guards: openGuards,
    });
    const res = await request(app)
      .options('/api/v2/barong/identity/sessions')
      .set('Origin', REFUSED)
      .set('Access-Control-Request-Method', 'POST')
      .expect(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-max-age']).toBe('3600');
    expect(res.headers).not.toHaveProperty('access-control-allow-credentials');
  });

  it.each([
    [{ BARONG_API_CORS_ALLOW_CREDENTIALS: 'true' }, 'BARONG_API_CORS_ALLOW_CREDENTIALS=true needs'],
    [{ BARONG_API_CORS_ORIGINS: '*, https://a.test' }, '`*` cannot be combined'],
    [{ BARONG_API_CORS_ORIGINS: 'https://a.test/path' }, 'is not an origin'],
  ])('refuses the configuration %o', (env, problem) => {
    expect(() => loadConfig({ NODE_ENV: 'development', ...env })).toThrow(problem);
  });
});
