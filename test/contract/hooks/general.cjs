const { build, prepare, expectStatus, unreadable, asSpentClient, http } = require('../support.cjs');

build(
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
);

prepare('GET /resource/swagger_doc/{name}', 404, (t) => {
  t.fullPath = t.request.uri = t.request.uri.replace(/swagger_doc\/[^?]+/, 'swagger_doc/no-such-api');
});

build('POST /public/kyc');
prepare('POST /public/kyc', 422, () => undefined);

expectStatus('POST /public/password/validate', 400, unreadable);

// 429: /identity and /public share one per-IP budget; one client spends it.
const checkPassword = (i, headers) =>
  http('POST', '/public/password/validate', { form: { password: `Dredd-${i}` }, headers });
expectStatus(
  ['POST /identity/password/validate', 'POST /public/password/validate'],
  429,
  asSpentClient('203.0.113.71', checkPassword),
);
