/**
 * Phones. The server runs with twilio_sms against the runner's Twilio stand-in (DREDD_TWILIO); a code is read
 * back from what the stand-in received, as the user reads it from the phone. Dredd runs verify, then send_code,
 * then add: verify uses its own documented number (+12025550144), so the number that send_code and add document
 * (+12025550143) is never verified by anybody. The member verifies; once it has, its phone step is closed
 * (resource.phone.already_verified), so send_code and add act as fixtures of their own.
 */
const { build, prepare, http, session, actAs, setFormField, phone } = require('../support.cjs');

const TWILIO = process.env.DREDD_TWILIO;

build(
  'GET /resource/phones',
  'POST /resource/phones',
  'POST /resource/phones/send_code',
  'POST /resource/phones/verify',
);

const documented = (t, name) => new URLSearchParams(t.request.body).get(name);

async function addPhone(name, number) {
  const s = await session(name);
  const res = await http('POST', '/resource/phones', {
    form: { phone_number: number },
    cookie: s.cookie,
    csrf: s.csrf,
  });
  const known = res.status === 400 && JSON.stringify(res.body).includes('resource.phone.exists');
  if (res.status !== 200 && !known)
    throw new Error(`adding ${number} failed: ${res.status} ${JSON.stringify(res.body)}`);
}

/** The code of the n-th SMS to `number`, as the Twilio stand-in received it (waits for the worker). */
async function smsCode(number, n = 1) {
  const res = await fetch(`${TWILIO}/_stand-in/code?${new URLSearchParams({ to: number, n: String(n) })}`);
  if (!res.ok) throw new Error(`no SMS #${n} to ${number} reached the Twilio stand-in`);
  return (await res.json()).code;
}

prepare('POST /resource/phones/verify', 201, async (t) => {
  const number = documented(t, 'phone_number');
  await addPhone('member', number);
  setFormField(t, 'verification_code', await smsCode(number));
});
// The same request again: the number is verified now (resource.phone.number_exist).
prepare('POST /resource/phones/verify', 400, () => {});

prepare('POST /resource/phones/send_code', 200, async (t) => {
  await actAs(t, 'phonesResend');
  await addPhone('phonesResend', documented(t, 'phone_number'));
});
// A user who never added the number (resource.phone.doesnt_exist).
prepare('POST /resource/phones/send_code', 404, (t) => actAs(t, 'phonesNone'));

prepare('POST /resource/phones', 200, (t) => actAs(t, 'phones'));
// The same number again (resource.phone.exists).
prepare('POST /resource/phones', 400, (t) => actAs(t, 'phones'));

for (const key of [
  'GET /resource/phones',
  'POST /resource/phones',
  'POST /resource/phones/send_code',
  'POST /resource/phones/verify',
]) {
  prepare(key, 401, (t) => {
    delete t.request.headers.Cookie;
    delete t.request.headers['X-CSRF-Token'];
  });
}

/**
 * The previous code could not be delivered (Twilio 21612): the member asks for a new code for the documented
 * number, the stand-in refuses that SMS, and once the worker has filed the failure (seen through verify, which
 * reports it without using it up) the documented send_code is told why (resource.phone.num_not_reachable).
 */
prepare('POST /resource/phones/send_code', 422, async (t) => {
  const number = documented(t, 'phone_number');
  await actAs(t, 'phonesResend');
  const s = await session('phonesResend');
  const form = (extra) => ({ form: { phone_number: number, ...extra }, cookie: s.cookie, csrf: s.csrf });
  await fetch(`${TWILIO}/_stand-in/fail`, {
    method: 'POST',
    body: new URLSearchParams({ endpoint: 'messages', to: number, status: '400', code: '21612', times: '1' }),
  });
  const sent = await http('POST', '/resource/phones/send_code', form({}));
  if (sent.status !== 200) throw new Error(`send_code failed: ${sent.status} ${JSON.stringify(sent.body)}`);
  for (let i = 0; i < 200; i++) {
    const res = await http('POST', '/resource/phones/verify', form({ verification_code: '00000' }));
    if (res.status === 422) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the failed SMS was never reported');
});

/**
 * The code never reached the phone (Twilio 21612): phonesFailed adds a number of its own whose SMS the stand-in
 * refuses; once the worker has filed the failure, verify reports it (resource.phone.num_not_reachable) instead of
 * judging a code that was never delivered.
 */
const FAILED_NUMBER = '+12025550166';
prepare('POST /resource/phones/verify', 422, async (t) => {
  await fetch(`${TWILIO}/_stand-in/fail`, {
    method: 'POST',
    body: new URLSearchParams({ endpoint: 'messages', to: FAILED_NUMBER, status: '400', code: '21612', times: '1' }),
  });
  await addPhone('phonesFailed', FAILED_NUMBER);
  await actAs(t, 'phonesFailed');
  setFormField(t, 'phone_number', FAILED_NUMBER);
  const s = await session('phonesFailed');
  for (let i = 0; i < 200; i++) {
    const res = await http('POST', '/resource/phones/verify', {
      form: { phone_number: FAILED_NUMBER, verification_code: '00000' },
      cookie: s.cookie,
      csrf: s.csrf,
    });
    if (res.status === 422) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the failed SMS was never reported');
});

// A user who never added the number.
prepare('POST /resource/phones/verify', 404, async (t) => {
  await actAs(t, 'phonesNone');
  setFormField(t, 'phone_number', phone('+12025550199'));
});
prepare('POST /resource/phones', 422, async (t) => {
  await actAs(t, 'phonesNone');
  setFormField(t, 'channel', 'pigeon');
});
prepare('POST /resource/phones/send_code', 400, async (t) => {
  await actAs(t, 'phonesNone');
  setFormField(t, 'phone_number', 'not-a-number');
});

/** 429: phonesLimited adds a number of its own and asks for codes until its budget (per user) is spent. */
const LIMITED_NUMBER = phone('+12025550177');
let phoneBudgetSpent;
function spendPhoneBudget() {
  phoneBudgetSpent ??= (async () => {
    await addPhone('phonesLimited', LIMITED_NUMBER);
    const s = await session('phonesLimited');
    // The per-user budget is taken first, so refused sends still spend it: go on until a new number is refused.
    for (let i = 0; i < 30; i++) {
      await http('POST', '/resource/phones/send_code', {
        form: { phone_number: LIMITED_NUMBER },
        cookie: s.cookie,
        csrf: s.csrf,
      });
      const fresh = await http('POST', '/resource/phones', {
        form: { phone_number: phone(`+120255502${String(i).padStart(2, '0')}`) },
        cookie: s.cookie,
        csrf: s.csrf,
      });
      if (fresh.status === 429) return;
    }
    throw new Error('the phone code budget of phonesLimited was never spent');
  })();
  return phoneBudgetSpent;
}
prepare('POST /resource/phones/send_code', 429, async (t) => {
  await spendPhoneBudget();
  await actAs(t, 'phonesLimited');
  setFormField(t, 'phone_number', LIMITED_NUMBER);
});
prepare('POST /resource/phones', 429, async (t) => {
  await spendPhoneBudget();
  await actAs(t, 'phonesLimited');
  setFormField(t, 'phone_number', phone('+12025550178'));
});
