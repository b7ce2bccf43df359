/**
 * The management API's phones, documents, service accounts, API keys and otp/sign. Each transaction sends its
 * documented body, signed, with the uids, kids, numbers and codes of its own fixtures
 * (test/contract/management-accounts-fixtures.ts) in place of the documented ones.
 */
const { build, prepare, fixtures, signManagement, totp } = require('../support.cjs');

const OPERATIONS = [
  'POST /management/phones/get',
  'POST /management/phones',
  'POST /management/phones/delete',
  'POST /management/documents',
  'POST /management/service_accounts/get',
  'POST /management/service_accounts/list',
  'POST /management/service_accounts/create',
  'POST /management/service_accounts/update',
  'POST /management/service_accounts/delete',
  'POST /management/api_keys',
  'POST /management/api_keys/update',
  'POST /management/otp/sign',
];
build(...OPERATIONS);

const SIGNERS = ['applogic', 'peatio'];
const documented = (t) => JSON.parse(t.request.body);

/** Signs the documented body with `values` in place of the documented ones. */
function signedWith(key, status, values) {
  prepare(key, status, async (t) => signManagement(t, SIGNERS, { ...documented(t), ...(await values()) }));
}

const sa = () => fixtures.mgnServiceAccounts;

signedWith('POST /management/phones/get', 201, () => ({ uid: fixtures.mgnPhones.uid }));
signedWith('POST /management/phones', 201, () => ({ uid: fixtures.mgnPhonesNew.uid }));
signedWith('POST /management/phones/delete', 201, () => fixtures.mgnPhones);
signedWith('POST /management/documents', 201, () => ({ uid: fixtures.mgnDocuments.uid }));
signedWith('POST /management/service_accounts/get', 200, () => ({ uid: sa().readUid }));
signedWith('POST /management/service_accounts/list', 200, () => ({ owner_uid: sa().ownerUid }));
signedWith('POST /management/service_accounts/create', 201, () => ({ owner_uid: sa().ownerUid }));
signedWith('POST /management/service_accounts/update', 201, () => ({ uid: sa().readUid, owner_uid: sa().newOwnerUid }));
signedWith('POST /management/service_accounts/delete', 200, () => ({ uid: sa().disableUid }));
signedWith('POST /management/api_keys', 201, () => ({ uid: sa().keyedUid }));
signedWith('POST /management/api_keys/update', 201, () => ({ uid: sa().keyedUid, kid: sa().kid }));
signedWith('POST /management/otp/sign', 201, async () => ({
  user_uid: fixtures.mgnOtp.uid,
  otp_code: await totp(fixtures.mgnOtp.otpSecret),
}));

// Applogic, the mandatory signer of every scope here, did not sign: peatio alone.
for (const key of OPERATIONS) prepare(key, 401, (t) => signManagement(t, ['peatio']));

// The documented uids name nobody on this server, so the documented bodies themselves get these answers.
for (const [key, status] of [
  ['POST /management/phones/get', 422],
  ['POST /management/phones', 422],
  ['POST /management/phones/delete', 422],
  ['POST /management/documents', 404],
  ['POST /management/service_accounts/get', 404],
  ['POST /management/service_accounts/create', 422], // no owner, no e-mail: Email can't be blank
  ['POST /management/service_accounts/update', 422],
  ['POST /management/service_accounts/delete', 404],
  ['POST /management/api_keys', 422],
  ['POST /management/api_keys/update', 422],
  ['POST /management/otp/sign', 404],
]) {
  prepare(key, status, (t) => signManagement(t, SIGNERS));
}
