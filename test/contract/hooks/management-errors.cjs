/**
 * The management API's documented refusals, for every operation: 400 before the signature check (a query string),
 * 401 a signature that does not verify, 422 signed data without the required fields, 404 an unknown user.
 */
const { expectStatus, signManagement, setQuery, fixtures, spendTotpBudget } = require('../support.cjs');

const OPERATIONS = [
  'POST /management/labels/filter/users',
  'POST /management/labels/list',
  'POST /management/labels',
  'PUT /management/labels',
  'POST /management/labels/delete',
  'POST /management/users/get',
  'POST /management/users/list',
  'POST /management/users',
  'POST /management/users/update',
  'POST /management/users/import',
  'POST /management/profiles',
  'POST /management/phones/get',
  'POST /management/phones',
  'POST /management/phones/delete',
  'POST /management/timestamp',
  'POST /management/otp/sign',
  'POST /management/documents',
  'POST /management/service_accounts/get',
  'POST /management/service_accounts/list',
  'POST /management/service_accounts/create',
  'POST /management/service_accounts/update',
  'POST /management/service_accounts/delete',
  'POST /management/api_keys',
  'POST /management/api_keys/update',
];
const UNKNOWN_UID = 'IDNOSUCHUSER';

/** Signed data (`data`, or the documented body). */
const signed = (data) => (t) => signManagement(t, undefined, data);

expectStatus(OPERATIONS, 400, async (t) => {
  await signManagement(t);
  setQuery(t, 'page', '1');
});
expectStatus(OPERATIONS, 401, async (t) => {
  await signManagement(t);
  const jws = JSON.parse(t.request.body);
  const sig = jws.signatures[0].signature;
  jws.signatures[0].signature = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
  t.request.body = JSON.stringify(jws);
});
expectStatus(
  [
    'POST /management/labels/filter/users',
    'POST /management/labels/list',
    'POST /management/labels',
    'PUT /management/labels',
    'POST /management/labels/delete',
    'POST /management/users/get',
    'POST /management/users',
    'POST /management/users/update',
    'POST /management/users/import',
    'POST /management/profiles',
    'POST /management/otp/sign',
    'POST /management/documents',
    'POST /management/service_accounts/get',
    'POST /management/service_accounts/delete',
  ],
  422,
  signed({}),
);
expectStatus('POST /management/users/list', 422, signed({ extended: 'maybe' }));
expectStatus('POST /management/service_accounts/list', 422, signed({ page: 0 }));
expectStatus('POST /management/labels/list', 404, signed({ user_uid: UNKNOWN_UID }));
expectStatus('POST /management/labels', 404, signed({ user_uid: UNKNOWN_UID, key: 'dredd-key', value: 'dredd-value' }));
expectStatus('PUT /management/labels', 404, signed({ user_uid: UNKNOWN_UID, key: 'dredd-key', value: 'dredd-value' }));
expectStatus('POST /management/labels/delete', 404, signed({ user_uid: UNKNOWN_UID, key: 'dredd-key' }));
expectStatus('POST /management/users/get', 404, signed({ uid: UNKNOWN_UID }));
// 429: the user's TOTP budget, spent by hooks/keys.cjs (the fixture otpLimited).
expectStatus('POST /management/otp/sign', 429, async (t) => {
  await spendTotpBudget();
  const body = JSON.parse(t.request.body);
  await signManagement(t, undefined, { ...body, user_uid: fixtures.otpLimited.uid, otp_code: '000000' });
});
