/**
 * Dredd hooks for the Barong contract (openapi/barong.yaml). Dredd reads the Swagger 2.0 source, sends the
 * documented form/multipart bodies from `x-example` values and validates every response body against its
 * JSON Schema. Hooks may log in and set headers or ids; they never rewrite bodies.
 *
 * Dredd names two transactions alike where an operation consumes both a form and JSON; both run.
 */
const hooks = require('hooks');

const BASE = '/api/v2/barong';

// Operations built so far: every documented success answer of these runs.
const BUILT = new Set([
  'GET /identity/ping',
  'GET /identity/time',
  'GET /identity/version',
  'GET /identity/configs',
  'POST /identity/password/validate',
  'GET /public/ping',
  'GET /public/time',
  'GET /public/version',
  'GET /public/configs',
  'GET /public/configs/auth0',
  'POST /public/password/validate',
  'GET /resource/swagger_doc',
  'GET /resource/swagger_doc/{name}',
]);

// Why each remaining operation is skipped, by path prefix. Remove a line when its issue lands.
const NOT_BUILT = [
  ['/identity/', 'identity sign-up, sessions and codes are not built yet (issue #3)'],
  ['/resource/', 'resource API is not built yet (issue #4)'],
  ['/public/kyc', 'KYC provider callback is not built yet (no KYC provider integration; issue #4 scope)'],
];

function operationKey(t) {
  return `${t.request.method} ${t.origin.resourceName.replace(BASE, '')}`;
}

hooks.beforeEach((t, done) => {
  const key = operationKey(t);
  const status = Number(t.expected.statusCode);
  if (!BUILT.has(key)) {
    const path = key.split(' ')[1];
    const reason = (NOT_BUILT.find(([prefix]) => path.startsWith(prefix)) || [null, 'not built yet'])[1];
    t.skip = true;
    hooks.log(`skip ${key} ${status}: ${reason}`);
  } else if (status >= 300) {
    // Error answers run only where a hook below provokes them.
    t.skip = true;
  }
  done();
});

// Express answers `application/json; charset=utf-8`; the contract says `application/json`.
hooks.beforeEachValidation((t, done) => {
  const expected = t.expected.headers && t.expected.headers['Content-Type'];
  const real = t.real.headers['content-type'] || '';
  if (expected && real.split(';')[0].trim() === expected) t.expected.headers['Content-Type'] = real;
  done();
});
