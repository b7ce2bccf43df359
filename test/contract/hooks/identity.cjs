/** Identity operations: tokens come from real mails (the runner's mailbox), users from the runner's fixtures. */
const { build, prepare, http, mail, fixtures, setFormField } = require('../support.cjs');

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

/** The value of `name` in the first link of a mail that carries it. */
function linkParam(text, name) {
  for (const link of text.match(/https?:\/\/\S+/g) || []) {
    const value = new URL(link).searchParams.get(name);
    if (value) return value;
  }
  throw new Error(`no link with ${name} in the mail`);
}

prepare('POST /identity/users', 201, (t) => {
  setFormField(t, 'refid', fixtures.admin.uid);
});

prepare('POST /identity/users/email/confirm_code', 201, async (t) => {
  const email = 'dredd.confirm@example.com';
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

// The documented login is the documented sign-up's user; make sure it exists whatever the order.
prepare('POST /identity/sessions', 201, async () => {
  await http('POST', '/identity/users', { form: { email: 'dredd.user@example.com', password: 'Dr3dd-Secret!Pass' } });
});

prepare('DELETE /identity/sessions', 204, async (t) => {
  const res = await http('POST', '/identity/sessions', {
    form: { email: fixtures.admin.email, password: fixtures.admin.password },
  });
  t.request.headers.Cookie = res.cookie;
});

prepare('POST /identity/users/access', 200, (t) => {
  setFormField(t, 'whitelink_token', fixtures.whitelinkToken);
});

prepare('POST /identity/sessions/auth0', 200, (t) => {
  setFormField(t, 'id_token', fixtures.auth0IdToken);
});
