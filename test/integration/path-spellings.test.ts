/**
 * Issue 8, item 2: no spelling of a path reaches a handler without the contract validator. Express matched
 * paths case-insensitively while the validator's ignorePaths did not, so `/API/v2/barong/...` skipped validation.
 * Every spelling here either is the contract's path (the validator then refuses the bad query: 422) or names no
 * route (404 route.not_found, or another clean 4xx); a trailing slash stays tolerated, as Barong's routes do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startTestApp, type TestApp } from '../support/app.js';
import { createUser } from '../support/factories.js';
import { bearer } from '../support/account-client.js';
import { listen, rawRequest, rawSocketRequest, type Listening, type RawResponse } from '../support/raw-http.js';
import { PATH_MUTATIONS } from '../support/path-mutations.js';
import { loadContract, operationsOf } from '../../src/api/contract.js';

const KEYS = '/api/v2/barong/resource/api_keys';
const BAD_QUERY = 'order_by=secret_encrypted';
const VALIDATED = { status: 422, body: { errors: ['resource.api_key.invalid_attribute'] } };
const NOT_FOUND = { status: 404, body: { errors: ['route.not_found'] } };

let t: TestApp;
let server: Listening;
let token: string;

beforeAll(async () => {
  t = await startTestApp();
  server = await listen(t.app);
  token = await bearer(t, await createUser(t, { otpSecret: 'JBSWY3DPEHPK3PXP' }));
});
afterAll(async () => {
  await server?.close();
  await t?.close();
});

const get = (path: string): Promise<RawResponse> =>
  rawRequest(server.port, { path, headers: { Authorization: `Bearer ${token}` } });
const answer = (r: RawResponse) => ({ status: r.status, body: r.json });

describe('spellings of GET /resource/api_keys?order_by=secret_encrypted', () => {
  it('the contract’s spelling, with or without a trailing slash, is validated: 422', async () => {
    expect(answer(await get(`${KEYS}?${BAD_QUERY}`))).toEqual(VALIDATED);
    expect(answer(await get(`${KEYS}/?${BAD_QUERY}`))).toEqual(VALIDATED);
    expect(answer(await get(`${KEYS}?${BAD_QUERY}#fragment`))).toEqual(VALIDATED);
  });

  it.each([
    ['upper-case base path', `/API/v2/barong/resource/api_keys`],
    ['mixed-case base path', `/api/V2/Barong/resource/api_keys`],
    ['upper-case area', `/api/v2/barong/RESOURCE/api_keys`],
    ['upper-case operation segment', `/api/v2/barong/resource/API_KEYS`],
    ['one letter flipped', `/api/v2/barong/resource/api_Keys`],
    ['percent-encoded letter', `/%61pi/v2/barong/resource/api_keys`],
    ['percent-encoded letter in the last segment', `/api/v2/barong/resource/%61pi_keys`],
    ['encoded slash', `/api/v2/barong/resource%2Fapi_keys`],
    ['encoded slash, lower-case hex', `/api/v2/barong/resource%2fapi_keys`],
    ['doubled slash', `/api/v2/barong//resource/api_keys`],
    ['leading doubled slash', `//api/v2/barong/resource/api_keys`],
    ['dot segment', `/api/v2/barong/./resource/api_keys`],
    ['dot-dot segment', `/api/v2/barong/x/../resource/api_keys`],
    ['encoded dot-dot segment', `/api/v2/barong/x/%2E%2E/resource/api_keys`],
    ['matrix parameter', `/api/v2/barong/resource/api_keys;x=1`],
    ['encoded semicolon', `/api/v2/barong/resource/api_keys%3Bx`],
    ['encoded tab', `/api/v2/barong/resource/api_keys%09`],
    ['encoded space', `/api/v2/barong/resource/api_keys%20`],
    ['encoded NUL', `/api/v2/barong/resource/api_keys%00`],
    ['overlong UTF-8 slash', `/api/v2/barong/resource%C0%AFapi_keys`],
    ['backslash', `/api/v2/barong/resource\\api_keys`],
    ['encoded backslash', `/api/v2/barong/resource%5Capi_keys`],
    ['two trailing slashes', `/api/v2/barong/resource/api_keys//`],
    ['Kelvin sign for k', `/api/v2/barong/resource/api_%E2%84%AAeys`],
  ])('%s names no route: 404 route.not_found', async (_name, path) => {
    expect(answer(await get(`${path}?${BAD_QUERY}`))).toEqual(NOT_FOUND);
  });

  it('a path parameter that does not decode (overlong or cut UTF-8) names no route', async () => {
    for (const key of ['%C0%AF', '%E0%A4%A', '%FF', '%']) {
      expect(answer(await get(`/api/v2/barong/resource/labels/${key}`))).toEqual(NOT_FOUND);
    }
  });

  it('a query hidden behind a fragment mark is not a query, and the path with the mark names no route', async () => {
    expect(answer(await get(`${KEYS}#?${BAD_QUERY}`))).toEqual(NOT_FOUND);
  });

  it('an absolute-form request target is not a back door', async () => {
    const r = await get(`http://127.0.0.1${KEYS.toUpperCase()}?${BAD_QUERY}`);
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ errors: ['route.not_found'] });
  });

  it('raw tabs, spaces and control bytes in the request line are refused before any route (400)', async () => {
    for (const target of [`${KEYS}\t`, `${KEYS} x`, `${KEYS}\x01`]) {
      const r = await rawSocketRequest(
        server.port,
        `GET ${target}?${BAD_QUERY} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}`,
      );
      expect(r.status).toBe(400);
    }
  });
});

describe('the gateway authorizer’s paths', () => {
  it.each([
    '/API/v2/barong/auth/api/v2/barong/public/ping',
    '/api/v2/barong/AUTH/api/v2/barong/public/ping',
    '/API/v2/auth/api/v2/barong/public/ping',
    '/api/v2/Auth/api/v2/barong/public/ping',
  ])('%s is not the authorizer: 404 route.not_found', async (path) => {
    expect(answer(await get(path))).toEqual(NOT_FOUND);
  });

  it('an upstream path that does not percent-decode is a bad request to the authorizer: 400 authz.invalid_path', async () => {
    for (const rest of ['%C0%AF', 'api/v2/peatio/%E0%A4%A', '%']) {
      expect(answer(await get(`/api/v2/barong/auth/${rest}`))).toEqual({
        status: 400,
        body: { errors: ['authz.invalid_path'] },
      });
    }
  });

  it('its own spelling still answers', async () => {
    expect((await get('/api/v2/barong/auth/api/v2/barong/public/ping')).status).toBe(200);
    expect((await get('/api/v2/auth/api/v2/barong/public/ping')).status).toBe(200);
  });
});

describe('every router of the app', () => {
  type Layer = { handle?: { stack?: Layer[]; caseSensitive?: boolean; strict?: boolean }; route?: unknown };
  const routersUnder = (stack: Layer[]): Layer['handle'][] =>
    stack.flatMap((layer) =>
      layer.handle?.stack && !layer.route ? [layer.handle, ...routersUnder(layer.handle.stack)] : [],
    );

  it('matches case-sensitively and tolerates a trailing slash, the app’s own router included', () => {
    const appRouter = (t.app as unknown as { router: { stack: Layer[] } }).router;
    expect(t.app.enabled('case sensitive routing')).toBe(true);
    expect(t.app.enabled('strict routing')).toBe(false);
    const routers = routersUnder(appRouter.stack);
    expect(routers.length).toBeGreaterThanOrEqual(5); // operator, files, gateway, guards, api
    for (const router of routers)
      expect({ caseSensitive: router!.caseSensitive, strict: router!.strict }).toEqual({
        caseSensitive: true,
        strict: false,
      });
  });
});

describe('operator and file routes', () => {
  it('match their exact spelling only', async () => {
    expect((await get('/healthz')).status).toBe(200);
    expect(answer(await get('/HEALTHZ'))).toEqual(NOT_FOUND);
    expect(answer(await get('/UPLOADS/documents/x.png?expires=1&signature=x'))).toEqual(NOT_FOUND);
  });
});

/**
 * The property: take any operation of the contract (the authorizer aside, which the validator does not guard), spell
 * its path in another way, and add a query parameter the contract does not know. Whatever the spelling, the answer
 * is the validator's refusal of that parameter, a routing refusal, or the access guard's; never a handler's.
 */
describe('any respelling of any contract path (property)', () => {
  const contract = loadContract();
  const operations = operationsOf(contract.oas3)
    .filter(({ operation }) => !operation.tags?.includes('authz'))
    .map(({ path, method, operation }) => ({
      id: operation.operationId as string,
      path,
      method,
      scope: operation['x-error-scope'] as string,
    }));
  const concrete = (path: string) => contract.basePath + path.replace(/\{[^}]+\}/g, 'probe');

  const mutations = PATH_MUTATIONS;

  const allowed = (r: RawResponse, scope: string) => {
    const keys = (r.json as { errors?: string[] } | undefined)?.errors ?? [];
    if (r.status === 404 && keys.join() === 'route.not_found') return true;
    if (r.status === 405 && keys.join() === 'route.method_not_allowed') return true;
    if (r.status === 422 && keys.includes(`${scope}.invalid_zz_probe`)) return true;
    if (r.status === 415 && keys.join() === 'request.unsupported_media_type') return true; // the validator: no body
    // The access guards answer before the validator: refusals of who is calling, never what they sent.
    if (r.status === 401 || (r.status === 404 && keys.join() === 'identity.session.not_found')) return true;
    // The management API's transport refuses before any route (here it is not configured): Barong's `{"error"}`.
    const managementError = (r.json as { error?: string } | undefined)?.error;
    if ([400, 404, 405].includes(r.status) && typeof managementError === 'string') return true;
    return false;
  };

  it('is the validator’s 422, a routing 404/405 or a guard’s refusal, never a handler’s answer', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...operations),
        fc.array(fc.tuple(fc.constantFrom(...Object.keys(mutations)), fc.nat(64)), { minLength: 1, maxLength: 3 }),
        async ({ path, method, scope }, steps) => {
          const spelled = steps.reduce((p, [name, at]) => mutations[name]!(p, at), concrete(path));
          const r = await rawRequest(server.port, {
            method: method.toUpperCase(),
            path: `${spelled}?zz_probe=1`,
            headers: { Authorization: `Bearer ${token}` },
          });
          if (!allowed(r, scope)) {
            throw new Error(`${method.toUpperCase()} ${spelled}?zz_probe=1 → ${r.status} ${r.text}`);
          }
        },
      ),
      { seed: 8_2, numRuns: 400 },
    );
  });
});
