/** Identity operations: tokens come from real mails (the runner's mailbox), users from the runner's fixtures. */
const {
  build,
  prepare,
  http,
  session,
  mail,
  fixtures,
  setFormField,
  expectStatus,
  unreadable,
  keepFormFields,
  onlyFields,
  withFields,
  anonymous,
  asSpentClient,
  email: address,
} = require('../support.cjs');

build(
  'POST /identity/users',
  'GET /identity/users/register_geetest',
  'POST /identity/users/access',
  'POST /identity/users/email/generate_code',
  'POST /identity/users/email/confirm_code',
  'POST /identity/users/password/generate_code',
  'POST /identity/users/password/confirm_code',
  'POST /identity/sessions',
  'DELETE /identity/sessions',
  'POST /identity/sessions/auth0',
);

/**
 * The value of `name` in the first link of a mail that carries it; the link may lack a scheme (a server whose
 * BARONG_DOMAIN is a bare host name, as the default `openware.com`).
 */
function linkParam(text, name) {
  const match = new RegExp(`[?&]${name}=([^&\\s"'<>]+)`).exec(text);
  if (!match) throw new Error(`no link with ${name} in the mail`);
  return decodeURIComponent(match[1]);
}

prepare('POST /identity/users', 201, (t) => {
  setFormField(t, 'refid', fixtures.admin.uid);
});

prepare('POST /identity/users/email/confirm_code', 201, async (t) => {
  const email = address('confirm');
  const res = await http('POST', '/identity/users', { form: { email, password: 'Dr3dd-Confirm!Secret' } });
  if (res.status !== 201) throw new Error(`sign-up for confirmation failed: ${res.status}`);
  const message = await mail(email, 'Registration');
  setFormField(t, 'token', linkParam(message.text, 'confirmation_token'));
});

prepare('POST /identity/users/password/confirm_code', 201, async (t) => {
  const res = await http('POST', '/identity/users/password/generate_code', { form: { email: fixtures.reset.email } });
  if (res.status !== 201) throw new Error(`reset request failed: ${res.status}`);
  const message = await mail(fixtures.reset.email, 'Password Reset');
  setFormField(t, 'reset_password_token', linkParam(message.text, 'reset_token'));
});

/**
 * A reset link of a user erased before it is used (the admin API's erasure): the token is still the latest, but no
 * account has its e-mail any more (record.not_found).
 */
prepare('POST /identity/users/password/confirm_code', 404, async (t) => {
  const { email, uid } = fixtures.resetErased;
  const res = await http('POST', '/identity/users/password/generate_code', { form: { email } });
  if (res.status !== 201) throw new Error(`reset request failed: ${res.status}`);
  const message = await mail(email, 'Password Reset');
  const admin = await session('admin');
  const erased = await http('POST', '/admin/users/erase', { form: { uid }, cookie: admin.cookie, csrf: admin.csrf });
  if (erased.status !== 200) throw new Error(`erasure failed: ${erased.status} ${JSON.stringify(erased.body)}`);
  setFormField(t, 'reset_password_token', linkParam(message.text, 'reset_token'));
});

// The documented login is the documented sign-up's user; make sure it exists whatever the order.
prepare('POST /identity/sessions', 201, async () => {
  await http('POST', '/identity/users', { form: { email: address('user'), password: 'Dr3dd-Secret!Pass' } });
});

// A second session of the member (the superadmin of a server QA runs may need a code for each login).
prepare('DELETE /identity/sessions', 204, async (t) => {
  const res = await http('POST', '/identity/sessions', {
    form: { email: fixtures.member.email, password: fixtures.member.password },
  });
  t.request.headers.Cookie = res.cookie;
});

prepare('POST /identity/users/access', 200, (t) => {
  setFormField(t, 'whitelink_token', fixtures.whitelinkToken);
});

prepare('POST /identity/sessions/auth0', 200, (t) => {
  setFormField(t, 'id_token', fixtures.auth0IdToken);
});

// --- documented refusals ---
expectStatus(
  [
    'POST /identity/users',
    'POST /identity/users/access',
    'POST /identity/users/email/generate_code',
    'POST /identity/users/email/confirm_code',
    'POST /identity/users/password/generate_code',
    'POST /identity/sessions',
    'POST /identity/sessions/auth0',
    'POST /identity/password/validate',
  ],
  400,
  unreadable,
);
expectStatus('POST /identity/users/password/confirm_code', 400, (t) => keepFormFields(t));
expectStatus('POST /identity/users', 422, withFields({ email: 'not-an-e-mail' }));
// The documented tokens are examples the server never issued.
expectStatus('POST /identity/users/access', 422, () => {});
expectStatus('POST /identity/users/email/confirm_code', 422, () => {});
expectStatus('POST /identity/sessions/auth0', 401, () => {});
expectStatus('POST /identity/users/password/confirm_code', 422, withFields({ confirm_password: 'Another!Pass-99' }));
expectStatus('POST /identity/sessions', 401, async (t) => {
  await http('POST', '/identity/users', { form: { email: address('user'), password: 'Dr3dd-Secret!Pass' } });
  setFormField(t, 'password', 'Wrong-Pass!word-1');
});
expectStatus(
  'POST /identity/sessions',
  403,
  onlyFields({
    email: fixtures.twofa && fixtures.twofa.email,
    password: fixtures.twofa && fixtures.twofa.password,
    otp_code: '000000',
  }),
);
// An imported user's code while Barong's Vault is down: refused, never accepted.
expectStatus(
  'POST /identity/sessions',
  503,
  onlyFields({
    email: fixtures.vaultUser && fixtures.vaultUser.email,
    password: fixtures.vaultUser && fixtures.vaultUser.password,
    otp_code: '123456',
  }),
);
// Logging out without a session.
expectStatus('DELETE /identity/sessions', 404, anonymous);

// 429: the per-account budget of failed logins, spent on an address of its own.
expectStatus('POST /identity/sessions', 429, async (t) => {
  const email = address('locked-out');
  for (let i = 0; i < 30; i++) {
    const res = await http('POST', '/identity/sessions', { form: { email, password: 'Wrong-Pass!word-1' } });
    if (res.status === 429) break;
  }
  keepFormFields(t, ['email', 'password']);
  setFormField(t, 'email', email);
});
// 429: the per-e-mail budget of code requests, spent on addresses of their own.
for (const [key, email] of [
  ['POST /identity/users/email/generate_code', address('too-many-confirmations')],
  ['POST /identity/users/password/generate_code', address('too-many-resets')],
]) {
  const path = key.split(' ')[1].replace('/api/v2/barong', '');
  expectStatus(key, 429, async (t) => {
    for (let i = 0; i < 30; i++) {
      const res = await http('POST', path, { form: { email } });
      if (res.status === 429) break;
    }
    keepFormFields(t, ['email']);
    setFormField(t, 'email', email);
  });
}
// 429: the per-IP budget of sign-ups, spent by another client.
expectStatus(
  'POST /identity/users',
  429,
  asSpentClient('203.0.113.72', (i, headers) =>
    http('POST', '/identity/users', {
      form: { email: address(`signup-${i}`), password: 'Dr3dd-Signup!Secret' },
      headers,
    }),
  ),
);
