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

/** The reason a transaction cannot run, or undefined. */
function unreachableReason(key, status) {
  const found = UNREACHABLE.find(([k]) => k === key || k === `${key} ${status}`);
  return found ? found[1] : undefined;
}

module.exports = { UNREACHABLE, unreachableReason };
