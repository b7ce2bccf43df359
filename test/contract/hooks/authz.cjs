/**
 * The gateway authorization endpoint (issue 5): every method, as the member fixture's browser behind a gateway
 * (session cookie, CSRF token, the login's User-Agent), for the upstream path of its own account
 * (`api/v2/barong/resource/users/me`, which members may reach). Each answers 200 with `Authorization: Bearer <JWT>`.
 * Dredd sends the documented optional X-Auth-* headers empty; blank ones leave the endpoint in session mode.
 */
const hooks = require('hooks');
const { build, prepare, actAs } = require('../support.cjs');

// HEAD is left out (test/contract/unreachable.cjs): Dredd 14's HTTP client refuses every HEAD request.
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const UPSTREAM = '/api/v2/barong/auth/api/v2/barong/resource/users/me';

for (const method of METHODS) {
  const key = `${method} /auth/{path}`;
  build(key);
  prepare(key, 200, async (t) => {
    await actAs(t, 'member');
    // The path parameter holds slashes; Dredd would percent-encode them.
    t.fullPath = t.request.uri = UPSTREAM;
  });
}

// Refusals a gateway sees most: no session, an incomplete API-key signature, a path that is not valid encoding.
prepare('GET /auth/{path}', 401, (t) => {
  t.fullPath = t.request.uri = UPSTREAM;
});
prepare('GET /auth/{path}', 422, (t) => {
  t.fullPath = t.request.uri = UPSTREAM;
  t.request.headers['X-Auth-Apikey'] = '0123456789abcdef';
});
prepare('GET /auth/{path}', 400, (t) => {
  t.fullPath = t.request.uri = '/api/v2/barong/auth/api/v2/%E0%A4%A';
});

// A success has no body, so no Content-Type; Dredd's Swagger reader expects the global `produces` one anyway (as for 204).
hooks.beforeEachValidation((t, done) => {
  if (t.origin.resourceName.endsWith('/auth/{path}') && Number(t.expected.statusCode) === 200 && t.expected.headers) {
    delete t.expected.headers['Content-Type'];
  }
  done();
});
