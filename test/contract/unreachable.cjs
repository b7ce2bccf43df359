/**
 * Documented answers the contract run cannot produce from outside, each with the reason. 00-common.cjs skips them
 * (and logs the reason); run.ts prints the table with the counts. Keys: 'METHOD /path' (below /api/v2/barong) or
 * 'METHOD /path STATUS'; a key without a status covers every answer of the operation.
 */
const UNREACHABLE = [
  ['HEAD /auth/{path}', 'Dredd 14 cannot send HEAD requests; covered by test/integration/authz-session.test.ts'],
  [
    'POST /public/kyc 201',
    'the local KYC provider (the only one) refuses the webhook with 422, as Barong; no provider can sign one from outside',
  ],
  [
    'GET /resource/api_keys 400',
    'listing is open to the signed-in owner without 2FA (only changes need it); Barong documents a 400 it never answers',
  ],
  [
    'GET /resource/service_accounts 400',
    'listing is open to the signed-in owner without 2FA (only changes need it); Barong documents a 400 it never answers',
  ],
  [
    'GET /resource/service_accounts/api_keys 400',
    'listing is open to the signed-in owner without 2FA (only changes need it); Barong documents a 400 it never answers',
  ],
  [
    'GET /resource/labels/{key} 400',
    'an empty key cannot travel in the path: /resource/labels/ is the list (the 400 is for callers that route by parameter)',
  ],
  [
    'POST /identity/users/email/generate_code 422',
    'answers 201 for any address (no account enumeration); its only 422 is a failed captcha, and the run has none',
  ],
  [
    'POST /identity/users/password/generate_code 422',
    'answers 201 for any address (no account enumeration); its only 422 is a failed captcha, and the run has none',
  ],
  ['DELETE /identity/sessions 400', 'logout reads only the session cookie; no request makes it answer 400'],
  [
    'POST /identity/sessions 404',
    'an unknown e-mail answers 401 like a wrong password (login-service.ts), so login never answers 404',
  ],
  ['POST /identity/sessions 422', 'its only 422 is a failed captcha, and the run has none'],
  [
    'POST /identity/sessions/auth0 422',
    "the identity provider's JWKS cannot be reached (an Auth0 outage, auth0-token-verifier.ts)",
  ],
  ['POST /identity/users/password/generate_code 404', 'answers 201 for any address (no account enumeration)'],
  [
    'POST /identity/sessions/auth0 404',
    "never answered: an unknown verified e-mail becomes a new member, every refusal is 400, 401 or 422 (auth0-login-service.ts, auth0-token-verifier.ts); the 404 is the seed's",
  ],
  // Barong's resource API answers 404 record.not_found when a valid token names no user (a service account's); here
  // that token is refused with 401 (user-guard.ts, test/integration/resource-auth.test.ts), so these handlers'
  // only way to a 404 is closed.
  [
    'POST /resource/phones 404',
    'never answered: adding a phone refuses with 400, 422 or 429 (phone-service.ts add); a token of no user is 401 (user-guard.ts)',
  ],
  [
    'PUT /resource/users/password 404',
    'never answered: the change refuses with 400, 422 or 429 (account-service.ts changePassword); a token of no user is 401 (user-guard.ts)',
  ],
];

const SERVER_WIDE =
  'a server-wide change (restrictions, permissions): never made on a server QA runs, nor its refusals, whose ' +
  "documented ids and rules may name the server's real rows";
const GATEWAY_RESTRICTION = 'needs an enabled restriction (blacklist or maintenance): a server-wide change';
const PER_IP = "spends a per-IP budget, which on a server behind a proxy may be the runner's own address for an hour";

/**
 * `npm run test:contract -- --server URL` (test/contract/qa/): what is not produced against a server QA runs, on
 * top of UNREACHABLE. The runner adds what the server's configuration shuts out (DREDD_SKIPS, e.g. no dev inbox).
 */
const SERVER_MODE_UNREACHABLE = [
  ...[
    'POST /admin/permissions',
    'PUT /admin/permissions',
    'DELETE /admin/permissions',
    'POST /admin/restrictions',
    'PUT /admin/restrictions',
    'DELETE /admin/restrictions',
  ].map((key) => [key, SERVER_WIDE]),
  [
    'POST /admin/restrictions/whitelink',
    'issues a token that lets its bearer past every restriction of the server: a server-wide change',
  ],
  ['POST /identity/users/access 200', 'needs a whitelink token (POST /admin/restrictions/whitelink, not issued here)'],
  ...['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].flatMap((method) =>
    [403, 423, 471].map((status) => [`${method} /auth/{path} ${status}`, GATEWAY_RESTRICTION]),
  ),
  ['POST /identity/sessions/auth0 200', "needs an ID token of the server's Auth0 tenant: the runner signs for none"],
  ['POST /identity/sessions 503', "needs the server's Barong Vault down (the local run points it at a closed port)"],
  ['POST /resource/phones/send_code 422', 'needs the SMS provider to refuse a number (the local Twilio stand-in)'],
  ['POST /resource/phones/verify 422', 'needs the SMS provider to refuse a number (the local Twilio stand-in)'],
  ['POST /identity/users 429', PER_IP],
  [
    'POST /identity/users/email/generate_code 429',
    `${PER_IP} (the per-address budget is spent with requests that count per IP too)`,
  ],
  [
    'POST /identity/users/password/generate_code 429',
    `${PER_IP} (the per-address budget is spent with requests that count per IP too)`,
  ],
  ['POST /identity/password/validate 429', PER_IP],
  ['POST /public/password/validate 429', PER_IP],
];

const SERVER_MODE = process.env.DREDD_MODE === 'server';
const RUNNER_SKIPS = JSON.parse(process.env.DREDD_SKIPS || '[]');

/** The reason a transaction cannot run, or undefined. */
function unreachableReason(key, status) {
  const table = SERVER_MODE ? [...UNREACHABLE, ...SERVER_MODE_UNREACHABLE, ...RUNNER_SKIPS] : UNREACHABLE;
  const found = table.find(([k]) => k === key || k === `${key} ${status}`);
  return found ? found[1] : undefined;
}

module.exports = { UNREACHABLE, SERVER_MODE_UNREACHABLE, unreachableReason };
