/**
 * TOTP, API keys and service accounts. A TOTP code is accepted once per time step, and logging a 2FA fixture in
 * spends the current step, so each transaction that spends a code acts as a fixture of its own
 * (test/contract/keys-fixtures.ts) and sends the code of the next step (within the ±1 window). Keys and service
 * accounts come from those fixtures; hooks set only ids (kid, service_account_uid) and codes.
 */
const {
  build,
  prepare,
  fixtures,
  http,
  session,
  actAs,
  totp,
  setFormField,
  setQuery,
  anonymous,
  spendTotpBudget,
} = require('../support.cjs');

build(
  'POST /resource/otp/generate_qrcode',
  'POST /resource/otp/enable',
  'POST /resource/otp/verify',
  'POST /resource/otp/disable',
  'GET /resource/api_keys',
  'POST /resource/api_keys',
  'PATCH /resource/api_keys/{kid}',
  'DELETE /resource/api_keys/{kid}',
  'GET /resource/service_accounts',
  'GET /resource/service_accounts/api_keys',
  'POST /resource/service_accounts/api_keys',
  'PUT /resource/service_accounts/api_keys/{kid}',
  'DELETE /resource/service_accounts/api_keys/{kid}',
);

/** Replaces the documented kid in the path. */
function setKid(t, kid) {
  t.fullPath = t.request.uri = t.request.uri.replace('/0123456789abcdef', `/${kid}`);
}

/** A code of the fixture's next time step: its login spent the current one. */
function nextCode(name) {
  return totp(fixtures[name].otpSecret, 1);
}

/** A well-formed code that is certainly wrong: ten steps old. */
function staleCode(name) {
  return totp(fixtures[name].otpSecret, -10);
}

// --- 2FA ---
prepare('POST /resource/otp/generate_qrcode', 200, (t) => actAs(t, 'otpQr'));

prepare('POST /resource/otp/enable', 200, async (t) => {
  await actAs(t, 'otpEnable');
  const s = await session('otpEnable');
  const qr = await http('POST', '/resource/otp/generate_qrcode', { cookie: s.cookie, csrf: s.csrf });
  if (qr.status !== 200) throw new Error(`QR code for enable failed: ${qr.status} ${JSON.stringify(qr.body)}`);
  setFormField(t, 'code', await totp(new URL(qr.body.data.url).searchParams.get('secret')));
});

prepare('POST /resource/otp/verify', 200, async (t) => {
  await actAs(t, 'otpVerify');
  setFormField(t, 'code', await nextCode('otpVerify'));
});

prepare('POST /resource/otp/disable', 200, async (t) => {
  await actAs(t, 'otpDisable');
  setFormField(t, 'code', await nextCode('otpDisable'));
});

// --- API keys of the user ---
prepare('GET /resource/api_keys', 200, (t) => actAs(t, 'keysList'));

prepare('POST /resource/api_keys', 201, async (t) => {
  await actAs(t, 'keysCreate');
  setFormField(t, 'totp_code', await nextCode('keysCreate'));
});

prepare('PATCH /resource/api_keys/{kid}', 200, async (t) => {
  await actAs(t, 'keysUpdate');
  setKid(t, fixtures.keysUpdate.kid);
  setFormField(t, 'totp_code', await nextCode('keysUpdate'));
});

prepare('DELETE /resource/api_keys/{kid}', 204, async (t) => {
  await actAs(t, 'keysDelete');
  setKid(t, fixtures.keysDelete.kid);
  setQuery(t, 'totp_code', await nextCode('keysDelete'));
});

// --- service accounts and their keys ---
prepare('GET /resource/service_accounts', 200, (t) => actAs(t, 'saList'));

prepare('GET /resource/service_accounts/api_keys', 200, async (t) => {
  await actAs(t, 'saList');
  setQuery(t, 'service_account_uid', fixtures.saList.serviceAccountUid);
});

prepare('POST /resource/service_accounts/api_keys', 201, async (t) => {
  await actAs(t, 'saCreate');
  setFormField(t, 'service_account_uid', fixtures.saCreate.serviceAccountUid);
  setFormField(t, 'totp_code', await nextCode('saCreate'));
});

prepare('PUT /resource/service_accounts/api_keys/{kid}', 200, async (t) => {
  await actAs(t, 'saUpdate');
  setKid(t, fixtures.saUpdate.kid);
  setFormField(t, 'service_account_uid', fixtures.saUpdate.serviceAccountUid);
  setFormField(t, 'totp_code', await nextCode('saUpdate'));
});

prepare('DELETE /resource/service_accounts/api_keys/{kid}', 204, async (t) => {
  await actAs(t, 'saDelete');
  setKid(t, fixtures.saDelete.kid);
  setQuery(t, 'service_account_uid', fixtures.saDelete.serviceAccountUid);
  setQuery(t, 'totp_code', await nextCode('saDelete'));
});

// --- documented error answers that spend no code (the member has no 2FA) ---
for (const key of [
  'POST /resource/otp/generate_qrcode',
  'POST /resource/otp/enable',
  'POST /resource/otp/verify',
  'POST /resource/otp/disable',
  'GET /resource/api_keys',
  'POST /resource/api_keys',
  'PATCH /resource/api_keys/{kid}',
  'DELETE /resource/api_keys/{kid}',
  'GET /resource/service_accounts',
  'GET /resource/service_accounts/api_keys',
  'POST /resource/service_accounts/api_keys',
  'PUT /resource/service_accounts/api_keys/{kid}',
  'DELETE /resource/service_accounts/api_keys/{kid}',
]) {
  prepare(key, 401, anonymous);
}

// 2FA already on (no code is spent: the state is checked first).
prepare('POST /resource/otp/generate_qrcode', 400, (t) => actAs(t, 'otpVerify'));
prepare('POST /resource/otp/enable', 400, (t) => actAs(t, 'otpVerify'));
// 2FA off: the member.
prepare('POST /resource/otp/verify', 400, () => {});
prepare('POST /resource/otp/disable', 400, () => {});
prepare('POST /resource/api_keys', 400, () => {});
prepare('PATCH /resource/api_keys/{kid}', 400, () => {});
prepare('DELETE /resource/api_keys/{kid}', 400, () => {});
// Wrong codes (a wrong code spends no time step).
prepare('POST /resource/otp/verify', 422, async (t) => {
  await actAs(t, 'otpVerify');
  setFormField(t, 'code', await staleCode('otpVerify'));
});
// otpVerify, not otpDisable: the disable 200 runs first and turns otpDisable's 2FA off.
prepare('POST /resource/otp/disable', 422, async (t) => {
  await actAs(t, 'otpVerify');
  setFormField(t, 'code', await staleCode('otpVerify'));
});
prepare('POST /resource/api_keys', 422, async (t) => {
  await actAs(t, 'keysCreate');
  setFormField(t, 'totp_code', await staleCode('keysCreate'));
});
prepare('PATCH /resource/api_keys/{kid}', 422, async (t) => {
  await actAs(t, 'keysUpdate');
  setKid(t, fixtures.keysUpdate.kid);
  setFormField(t, 'totp_code', await staleCode('keysUpdate'));
});
// The member has no secret at all.
prepare('POST /resource/otp/enable', 422, () => {});
// Not the caller's service account: 404 before any 2FA check.
prepare('GET /resource/service_accounts/api_keys', 404, (t) =>
  setQuery(t, 'service_account_uid', fixtures.saList.serviceAccountUid),
);
prepare('POST /resource/service_accounts/api_keys', 404, (t) => {
  setFormField(t, 'service_account_uid', fixtures.saCreate.serviceAccountUid);
});
prepare('PUT /resource/service_accounts/api_keys/{kid}', 404, (t) => {
  setKid(t, fixtures.saUpdate.kid);
  setFormField(t, 'service_account_uid', fixtures.saUpdate.serviceAccountUid);
});
prepare('DELETE /resource/service_accounts/api_keys/{kid}', 404, (t) => {
  setKid(t, fixtures.saDelete.kid);
  setQuery(t, 'service_account_uid', fixtures.saDelete.serviceAccountUid);
});
// The caller's own service account, a wrong code.
prepare('PUT /resource/service_accounts/api_keys/{kid}', 422, async (t) => {
  await actAs(t, 'saUpdate');
  setKid(t, fixtures.saUpdate.kid);
  setFormField(t, 'service_account_uid', fixtures.saUpdate.serviceAccountUid);
  setFormField(t, 'totp_code', await staleCode('saUpdate'));
});
prepare('DELETE /resource/service_accounts/api_keys/{kid}', 422, async (t) => {
  await actAs(t, 'saDelete');
  setKid(t, fixtures.saDelete.kid);
  setQuery(t, 'service_account_uid', fixtures.saDelete.serviceAccountUid);
  setQuery(t, 'totp_code', await staleCode('saDelete'));
});
prepare('POST /resource/service_accounts/api_keys', 422, async (t) => {
  await actAs(t, 'saCreate');
  setFormField(t, 'service_account_uid', fixtures.saCreate.serviceAccountUid);
  setFormField(t, 'totp_code', await staleCode('saCreate'));
});

// --- 429: the fixture otpLimited spends its TOTP budget (BARONG_OTP_MAX_ATTEMPTS wrong codes), then every
// code-spending operation refuses it before looking at the code. ---
/** Acts as otpLimited with its budget spent, and a (stale) code in `field` of the form or query. */
function limited(field, where, ids) {
  return async (t) => {
    await spendTotpBudget();
    await actAs(t, 'otpLimited');
    if (ids) ids(t);
    const code = await staleCode('otpLimited');
    if (where === 'query') setQuery(t, field, code);
    else setFormField(t, field, code);
  };
}
const limitedSa = (t) => setFormField(t, 'service_account_uid', fixtures.otpLimited.serviceAccountUid);
prepare('POST /resource/otp/verify', 429, limited('code'));
prepare('POST /resource/otp/disable', 429, limited('code'));
prepare('POST /resource/api_keys', 429, limited('totp_code'));
prepare(
  'PATCH /resource/api_keys/{kid}',
  429,
  limited('totp_code', 'form', (t) => setKid(t, fixtures.otpLimited.userKid)),
);
prepare(
  'DELETE /resource/api_keys/{kid}',
  429,
  limited('totp_code', 'query', (t) => setKid(t, fixtures.otpLimited.userKid)),
);
prepare('POST /resource/service_accounts/api_keys', 429, limited('totp_code', 'form', limitedSa));
prepare(
  'PUT /resource/service_accounts/api_keys/{kid}',
  429,
  limited('totp_code', 'form', (t) => {
    setKid(t, fixtures.otpLimited.kid);
    limitedSa(t);
  }),
);
prepare(
  'DELETE /resource/service_accounts/api_keys/{kid}',
  429,
  limited('totp_code', 'query', (t) => {
    setKid(t, fixtures.otpLimited.kid);
    setQuery(t, 'service_account_uid', fixtures.otpLimited.serviceAccountUid);
  }),
);

// --- the other documented refusals ---
// 2FA off: the owner of a service account without 2FA (saNo2fa) changes its keys.
prepare('POST /resource/service_accounts/api_keys', 400, async (t) => {
  await actAs(t, 'saNo2fa');
  setFormField(t, 'service_account_uid', fixtures.saNo2fa.serviceAccountUid);
});
prepare('PUT /resource/service_accounts/api_keys/{kid}', 400, async (t) => {
  await actAs(t, 'saNo2fa');
  setKid(t, fixtures.saNo2fa.kid);
  setFormField(t, 'service_account_uid', fixtures.saNo2fa.serviceAccountUid);
});
prepare('DELETE /resource/service_accounts/api_keys/{kid}', 400, async (t) => {
  await actAs(t, 'saNo2fa');
  setKid(t, fixtures.saNo2fa.kid);
  setQuery(t, 'service_account_uid', fixtures.saNo2fa.serviceAccountUid);
});

// otp/enable 429: otpQr (2FA off, a secret from its QR code) spends its budget on wrong codes.
prepare('POST /resource/otp/enable', 429, async (t) => {
  await actAs(t, 'otpQr');
  const s = await session('otpQr');
  const qr = await http('POST', '/resource/otp/generate_qrcode', { cookie: s.cookie, csrf: s.csrf });
  if (qr.status !== 200) throw new Error(`QR code failed: ${qr.status} ${JSON.stringify(qr.body)}`);
  for (let i = 0; i < 20; i++) {
    const res = await http('POST', '/resource/otp/enable', {
      form: { code: '000000' },
      cookie: s.cookie,
      csrf: s.csrf,
    });
    if (res.status === 429) return;
  }
  throw new Error('the TOTP budget of otpQr was never spent');
});
prepare('GET /resource/api_keys', 422, async (t) => {
  await actAs(t, 'keysList');
  setQuery(t, 'ordering', 'sideways');
});
prepare('GET /resource/service_accounts/api_keys', 422, async (t) => {
  await actAs(t, 'saList');
  setQuery(t, 'service_account_uid', fixtures.saList.serviceAccountUid);
  setQuery(t, 'ordering', 'sideways');
});
// The code is checked before the key is looked up: right codes of fixtures whose codes nothing else spends.
prepare('PATCH /resource/api_keys/{kid}', 404, async (t) => {
  await actAs(t, 'keysList');
  setKid(t, 'ffffffffffffffff');
  setFormField(t, 'totp_code', await nextCode('keysList'));
});
prepare('DELETE /resource/api_keys/{kid}', 404, async (t) => {
  await actAs(t, 'saList');
  setKid(t, 'ffffffffffffffff');
  setQuery(t, 'totp_code', await nextCode('saList'));
});
prepare('DELETE /resource/api_keys/{kid}', 422, async (t) => {
  await actAs(t, 'keysUpdate');
  setKid(t, fixtures.keysUpdate.kid);
  setQuery(t, 'totp_code', await staleCode('keysUpdate'));
});
