/**
 * The signed-in user's account, labels and data storage. Resource transactions act as the fixture `member`
 * (00-common.cjs); self-deletion and the password change act as fixtures of their own, whose password is the
 * documented example, so the member survives and the documented bodies stay as they are.
 */
const {
  build,
  prepare,
  http,
  session,
  actAs,
  anonymous,
  expectStatus,
  unreadable,
  withFields,
  setPath,
  setFormField,
} = require('../support.cjs');

build(
  'GET /resource/users/me',
  'PUT /resource/users/me',
  'DELETE /resource/users/me',
  'PUT /resource/users/password',
  'GET /resource/users/activity/{topic}',
  'GET /resource/labels',
  'POST /resource/labels',
  'GET /resource/labels/{key}',
  'PATCH /resource/labels/{key}',
  'DELETE /resource/labels/{key}',
  'POST /resource/data_storage',
);

const LABEL = { key: 'favourite-colour', value: 'blue-sky' };

async function asMember(method, path, form) {
  const s = await session('member');
  return http(method, path, { form, cookie: s.cookie, csrf: s.csrf });
}

/** The documented label exists (whatever order Dredd runs the label transactions in). */
async function ensureLabel() {
  const res = await asMember('POST', '/resource/labels', LABEL);
  if (res.status !== 201 && res.status !== 422)
    throw new Error(`label set-up failed: ${res.status} ${JSON.stringify(res.body)}`);
}

async function removeLabel() {
  const res = await asMember('DELETE', `/resource/labels/${LABEL.key}`);
  if (res.status !== 204 && res.status !== 404)
    throw new Error(`label clean-up failed: ${res.status} ${JSON.stringify(res.body)}`);
}

prepare('GET /resource/labels/{key}', 200, ensureLabel);
prepare('PATCH /resource/labels/{key}', 200, ensureLabel);
prepare('DELETE /resource/labels/{key}', 204, ensureLabel);
prepare('POST /resource/labels', 201, removeLabel);

prepare('DELETE /resource/users/me', 204, async (t) => {
  await actAs(t, 'deletable');
});

prepare('PUT /resource/users/password', 201, async (t) => {
  await actAs(t, 'pwchange');
});

// Documented error answers.

prepare('GET /resource/users/me', 401, anonymous);
prepare('PUT /resource/users/me', 401, anonymous);
prepare('GET /resource/labels', 401, anonymous);
// The member's password is not the documented one.
prepare('DELETE /resource/users/me', 422, () => {});
prepare('PUT /resource/users/password', 400, () => {});
prepare('GET /resource/users/activity/{topic}', 422, (t) => setPath(t, '/resource/users/activity/everything'));
prepare('GET /resource/labels/{key}', 404, (t) => setPath(t, '/resource/labels/nothing-here'));
prepare('PATCH /resource/labels/{key}', 400, (t) => setPath(t, '/resource/labels/email'));
prepare('DELETE /resource/labels/{key}', 400, (t) => setPath(t, '/resource/labels/email'));
prepare('DELETE /resource/labels/{key}', 404, (t) => setPath(t, '/resource/labels/nothing-here'));
prepare('POST /resource/labels', 422, ensureLabel);
// Runs after the 201: the title is taken.
prepare('POST /resource/data_storage', 422, () => {});

expectStatus(
  [
    'PUT /resource/users/password',
    'GET /resource/users/activity/{topic}',
    'DELETE /resource/users/me',
    'POST /resource/labels',
    'GET /resource/labels/{key}',
    'PATCH /resource/labels/{key}',
    'DELETE /resource/labels/{key}',
    'POST /resource/data_storage',
  ],
  401,
  anonymous,
);
expectStatus(['PUT /resource/users/me', 'POST /resource/labels', 'POST /resource/data_storage'], 400, unreadable);
expectStatus('PUT /resource/users/me', 422, withFields({ data: 'not json' }));
expectStatus('PATCH /resource/labels/{key}', 404, (t) => setPath(t, '/resource/labels/nothing-here'));
expectStatus('PATCH /resource/labels/{key}', 422, async (t) => {
  await ensureLabel();
  setFormField(t, 'value', 'Not A Value!');
});
expectStatus('PUT /resource/users/password', 422, withFields({ confirm_password: 'Another!Pass-99' }));

/**
 * 429: wrong passwords (the delete and the password change check the current one) until the account's budget is
 * spent, as the fixture `kycNone` (the documented password is not its own); the session stays usable.
 */
let passwordBudgetSpent;
async function spendPasswordBudget() {
  passwordBudgetSpent ??= (async () => {
    const s = await session('kycNone');
    for (let i = 0; i < 30; i++) {
      const res = await http('DELETE', '/resource/users/me?password=Wrong-Pass!word-1', {
        cookie: s.cookie,
        csrf: s.csrf,
      });
      if (res.status === 429) return;
    }
    throw new Error('the password budget of kycNone was never spent');
  })();
  return passwordBudgetSpent;
}
for (const key of ['DELETE /resource/users/me', 'PUT /resource/users/password']) {
  expectStatus(key, 429, async (t) => {
    await session('kycNone');
    await spendPasswordBudget();
    await actAs(t, 'kycNone');
  });
}
