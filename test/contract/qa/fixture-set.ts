/**
 * Every fixture the hooks read (DREDD_FIXTURES), in the shape run.ts gives them, made through the API of a server
 * QA runs (fixtures.ts). What the server cannot give (a whitelink, an Auth0 token, a Barong Vault user, rows of
 * restrictions and permissions) stays empty: those transactions are skipped in this mode (unreachable.cjs).
 */
import type { FixtureBuilder, Made } from './fixtures.js';
import { PASSWORD } from './fixtures.js';

const DOCUMENTED_PASSWORD = 'Dr3dd-Secret!Pass';

const plain = (m: Made) => ({ email: m.email, uid: m.uid, password: m.password });
const withOtp = (m: Made) => ({ ...plain(m), otpSecret: m.otpSecret! });

/** TOTP, API keys and service accounts (hooks/keys.cjs), as keys-fixtures.ts makes them. */
async function keysFixtures(b: FixtureBuilder, canManage: boolean) {
  const twoFa = async (name: string) => b.twoFactor(await b.user(name));
  const keyed = async (name: string) => {
    let kid = '';
    const made = await b.twoFactor(await b.user(name), async (s, code) => {
      kid = await b.userKey(s, code);
    });
    return { ...withOtp(made), kid };
  };
  /** A 2FA owner of a service account, with a key of it (made with the owner's code) when `withKey`. */
  const owner = async (name: string, withKey: boolean) => {
    if (!canManage) return { ...withOtp(await twoFa(name)), serviceAccountUid: '', kid: '' };
    const user = await b.user(name);
    const sa = await b.serviceAccount(user.uid);
    let kid = '';
    await b.twoFactor(user, async (s, code) => {
      if (withKey) kid = await b.serviceAccountKey(s, code, sa);
    });
    return { ...withOtp(user), serviceAccountUid: sa, ...(withKey ? { kid } : {}) };
  };
  const otpLimited = async () => {
    const user = await b.user('otp.limited');
    const sa = canManage ? await b.serviceAccount(user.uid) : '';
    let userKid = '';
    let kid = '';
    await b.twoFactor(user, async (s, code) => {
      userKid = await b.userKey(s, code);
      if (sa) kid = await b.serviceAccountKey(s, code, sa);
    });
    return { ...withOtp(user), serviceAccountUid: sa, kid, userKid };
  };
  const saNo2fa = async () => {
    const user = await b.user('sa.no2fa');
    if (!canManage) return { ...plain(user), serviceAccountUid: '', kid: '' };
    const sa = await b.serviceAccount(user.uid);
    // Its owner has no 2FA, so only the management API can key it; a kid of nobody's does for its 400s otherwise.
    return { ...plain(user), serviceAccountUid: sa, kid: (await b.managementKey(sa)) ?? 'ffffffffffffffff' };
  };
  return {
    otpQr: plain(await b.user('otp.qr')),
    otpEnable: plain(await b.user('otp.enable')),
    otpVerify: withOtp(await twoFa('otp.verify')),
    otpDisable: withOtp(await twoFa('otp.disable')),
    keysList: await keyed('keys.list'),
    keysCreate: withOtp(await twoFa('keys.create')),
    keysUpdate: await keyed('keys.update'),
    keysDelete: await keyed('keys.delete'),
    saList: await owner('sa.list', true),
    saCreate: await owner('sa.create', false),
    saUpdate: await owner('sa.update', true),
    saDelete: await owner('sa.delete', true),
    saNo2fa: await saNo2fa(),
    otpLimited: await otpLimited(),
  };
}

/** Management phones, documents, service accounts, API keys and otp/sign (management-accounts-fixtures.ts). */
async function managementFixtures(b: FixtureBuilder) {
  const MGN_PHONE = b.phone('12025550181');
  const phones = await b.user('mgn.phones');
  await b.managementPhone(phones.uid, MGN_PHONE);
  const owner = await b.user('mgn.owner');
  const newOwner = await b.user('mgn.new-owner');
  const [read, disable, keyed] = [
    await b.serviceAccount(owner.uid),
    await b.serviceAccount(owner.uid),
    await b.serviceAccount(owner.uid),
  ];
  const kid = await b.managementKey(keyed);
  if (!kid)
    b.skip(
      ['POST /management/api_keys 201', 'POST /management/api_keys/update 201'],
      "the server's management API keys no service account (BARONG_MGN_API_KEYS_SA is off)",
    );
  const otp = await b.twoFactor(await b.user('mgn.otp'));
  return {
    mgnPhones: { uid: phones.uid, number: MGN_PHONE },
    mgnPhonesNew: { uid: (await b.user('mgn.phones-new')).uid },
    mgnDocuments: { uid: (await b.user('mgn.documents')).uid },
    mgnServiceAccounts: {
      ownerUid: owner.uid,
      newOwnerUid: newOwner.uid,
      readUid: read,
      disableUid: disable,
      keyedUid: keyed,
      kid: kid ?? '',
    },
    mgnOtp: { uid: otp.uid, otpSecret: otp.otpSecret! },
  };
}

export async function buildFixtureSet(b: FixtureBuilder, admin: Made, canManage: boolean) {
  const u = async (name: string, password?: string) => plain(await b.user(name, password));
  const usersTarget = await b.user('users-target');
  await b.profile(usersTarget, { first_name: 'John', last_name: 'Doe', dob: '1990-01-15', country: 'US' });
  const usersPending = await b.user('users-pending');
  await b.profile(usersPending, { first_name: 'Jane', last_name: 'Roe', country: 'US' });
  await b.label(usersPending.uid, 'phone', 'verified');
  await b.label(usersPending.uid, 'document', 'pending');
  const labelsEdit = await b.user('labels-edit');
  const labelsDelete = await b.user('labels-delete');
  for (const user of [labelsEdit, labelsDelete]) await b.label(user.uid, 'document', 'pending');
  const accessAccountant = await b.user('access-accountant');
  await b.role(accessAccountant.uid, 'accountant');
  const records = await b.user('records');
  if (!(await b.dataStorage(records, 'personal', '{"language":"en"}')))
    b.skip(
      ['DELETE /admin/users/data_storage 200', 'POST /resource/data_storage'],
      'the server stores no data titled "personal" (BARONG_USER_STORAGE_TITLES)',
    );
  const profileReview = await b.user('profile-review');
  await b.profile(profileReview, { city: 'Lisbon', confirm: 'true' });
  return {
    admin: {
      email: admin.email,
      uid: admin.uid,
      password: admin.password,
      ...(admin.otpSecret ? { otpSecret: admin.otpSecret } : {}),
    },
    member: await u('member'),
    reset: await u('reset'),
    resetErased: await u('reset-erased'), // erased by its hook (404), unless the server holds erasures
    twofa: withOtp(await b.twoFactor(await b.user('2fa'))),
    vaultUser: { email: b.email('vault-2fa'), password: PASSWORD }, // its 503 is skipped: no account is made
    managed: await u('management-user'),
    labelled: await u('management-labels'),
    deletable: await u('deletable', DOCUMENTED_PASSWORD),
    pwchange: await u('pwchange', DOCUMENTED_PASSWORD),
    kyc: await u('kyc'),
    kycNone: await u('kyc-none'),
    kycFull: await u('kyc-full'),
    records: plain(records),
    profileReview: plain(profileReview),
    profileNew: await u('profile-new'),
    whitelinkToken: '', // skipped: a server-wide effect
    auth0IdToken: '', // skipped: no Auth0 tenant the runner signs for
    accessAccountant: plain(accessAccountant),
    access: {}, // skipped: restriction and permission rows are server-wide
    phones: await u('phones'),
    phonesNone: await u('phones-none'),
    phonesResend: await u('phones-resend'),
    phonesLimited: await u('phones-limited'),
    phonesFailed: { email: b.email('phones-failed'), password: PASSWORD }, // its 422 is skipped: no account
    usersTarget: plain(usersTarget),
    usersPending: plain(usersPending),
    usersBan: await u('users-ban'),
    usersLock: await u('users-lock'),
    usersRole: await u('users-role'),
    usersErase: await u('users-erase'),
    labels: {
      add: (await b.user('labels-add')).uid,
      upsert: (await b.user('labels-upsert')).uid,
      edit: labelsEdit.uid,
      delete: labelsDelete.uid,
    },
    ...(await keysFixtures(b, canManage)),
    ...(canManage ? await managementFixtures(b) : {}),
  };
}
