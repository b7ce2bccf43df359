/**
 * Captcha on the protected endpoints (reference §7.3): reCAPTCHA v2 and GeeTest v3 against local stand-ins of
 * their HTTP APIs, each key and status on sign-up, login, password reset and e-mail confirmation; endpoints left
 * out of BARONG_CAPTCHA_PROTECTED_ENDPOINTS; providers down or slow; GET register_geetest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createUser, STRONG_PASSWORD, uniqueEmail } from '../support/factories.js';
import {
  geetestAnswer,
  md5,
  startGeetest,
  startRecaptcha,
  unreachableUrl,
  type GeetestStandIn,
  type RecaptchaStandIn,
} from '../support/stand-ins.js';

const API = '/api/v2/barong';
const SECRET = 'recaptcha-secret';
const GOOD_TOKEN = 'good-recaptcha-token';
const GEETEST_ID = 'geetest-id-0123456789abcdef';
const GEETEST_KEY = 'geetest-key-fedcba9876543210';

// Throttles stay out of the way: every request here comes from 127.0.0.1.
const LIMITS = { BARONG_CODE_REQUESTS_MAX_PER_IP: '10000', BARONG_LOGIN_MAX_ATTEMPTS_PER_IP: '10000' };
const recaptchaEnv = (verifyUrl: string, extra: Record<string, string> = {}) => ({
  ...LIMITS,
  BARONG_CAPTCHA: 'recaptcha',
  BARONG_RECAPTCHA_SITE_KEY: 'site-key',
  BARONG_RECAPTCHA_SECRET_KEY: SECRET,
  BARONG_RECAPTCHA_VERIFY_URL: verifyUrl,
  ...extra,
});
const geetestEnv = (apiUrl: string) => ({
  ...LIMITS,
  BARONG_CAPTCHA: 'geetest',
  BARONG_GEETEST_ID: GEETEST_ID,
  BARONG_GEETEST_KEY: GEETEST_KEY,
  BARONG_GEETEST_API_URL: apiUrl,
});

interface Endpoint {
  name: string;
  path: string;
  /** The request body without captcha_response; valid, so only the captcha decides. */
  body(t: TestApp): Promise<Record<string, unknown>>;
  ok: number;
  /** The key for a captcha_response of the wrong type. */
  wrongFormat: string;
}

const ENDPOINTS: Endpoint[] = [
  {
    name: 'sign-up (user_create)',
    path: '/identity/users',
    body: async () => ({ email: uniqueEmail('signup'), password: STRONG_PASSWORD }),
    ok: 201,
    wrongFormat: 'identity.captcha.verification_failed',
  },
  {
    name: 'login (session_create)',
    path: '/identity/sessions',
    body: async (t) => {
      const user = await createUser(t);
      return { email: user.email, password: user.password };
    },
    ok: 201,
    wrongFormat: 'identity.session.invalid_captcha_format',
  },
  {
    name: 'password reset (password_reset)',
    path: '/identity/users/password/generate_code',
    body: async () => ({ email: uniqueEmail('reset') }),
    ok: 201,
    wrongFormat: 'identity.captcha.verification_failed',
  },
  {
    name: 'e-mail confirmation (email_confirmation)',
    path: '/identity/users/email/generate_code',
    body: async () => ({ email: uniqueEmail('confirm') }),
    ok: 201,
    wrongFormat: 'identity.captcha.verification_failed',
  },
];

/** Calls the endpoint with a valid body plus `captcha`, expecting `status`. */
async function call(
  t: TestApp,
  e: Endpoint,
  captcha: Record<string, unknown>,
  status: number,
  as: 'form' | 'json' = 'form',
) {
  const body = { ...(await e.body(t)), ...captcha };
  const req = request(t.app).post(API + e.path);
  return (as === 'form' ? req.type('form').send(body) : req.send(body)).expect(status);
}

const errors = (...keys: string[]) => ({ errors: keys });

let recaptcha: RecaptchaStandIn;
let geetest: GeetestStandIn;
let withRecaptcha: TestApp;
let withGeetest: TestApp;

beforeAll(async () => {
  [recaptcha, geetest] = await Promise.all([startRecaptcha(SECRET, GOOD_TOKEN), startGeetest()]);
  [withRecaptcha, withGeetest] = await Promise.all([
    startTestApp(recaptchaEnv(`${recaptcha.url}/siteverify`)),
    startTestApp(geetestEnv(geetest.url)),
  ]);
});
afterAll(async () => {
  await Promise.all([withRecaptcha?.close(), withGeetest?.close()]);
  await Promise.all([recaptcha?.close(), geetest?.close()]);
});

describe.each(ENDPOINTS)('reCAPTCHA on $name', (e) => {
  it('passes a token the provider accepts, sending it with the secret', async () => {
    const before = recaptcha.requests.length;
    await call(withRecaptcha, e, { captcha_response: GOOD_TOKEN }, e.ok);
    const sent = recaptcha.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: 'POST', path: '/siteverify' });
    expect(Object.fromEntries(sent[0]!.form)).toEqual({ secret: SECRET, response: GOOD_TOKEN });
  });

  it('no response or a blank one: 400 identity.captcha.required, the provider is not asked', async () => {
    const before = recaptcha.requests.length;
    expect((await call(withRecaptcha, e, {}, 400)).body).toEqual(errors('identity.captcha.required'));
    expect((await call(withRecaptcha, e, { captcha_response: '  ' }, 400)).body).toEqual(
      errors('identity.captcha.required'),
    );
    expect(recaptcha.requests.length).toBe(before);
  });

  it('a token the provider refuses: 422 identity.captcha.verification_failed', async () => {
    const res = await call(withRecaptcha, e, { captcha_response: 'forged-token' }, 422);
    expect(res.body).toEqual(errors('identity.captcha.verification_failed'));
  });

  it(`a GeeTest object instead of a token: 422 ${e.wrongFormat}`, async () => {
    const res = await call(withRecaptcha, e, { captcha_response: geetestAnswer(GEETEST_KEY) }, 422, 'json');
    expect(res.body).toEqual(errors(e.wrongFormat));
  });

  it(`an array, as a form or as JSON: 422 ${e.wrongFormat}`, async () => {
    for (const as of ['form', 'json'] as const) {
      const res = await call(withRecaptcha, e, { captcha_response: [GOOD_TOKEN, GOOD_TOKEN] }, 422, as);
      expect(res.body).toEqual(errors(e.wrongFormat));
    }
  });

  it('the provider failing: 422 identity.captcha.verification_failed', async () => {
    recaptcha.mode = 'error';
    try {
      const res = await call(withRecaptcha, e, { captcha_response: GOOD_TOKEN }, 422);
      expect(res.body).toEqual(errors('identity.captcha.verification_failed'));
    } finally {
      recaptcha.mode = 'up';
    }
  });
});

describe.each(ENDPOINTS)('GeeTest on $name', (e) => {
  it('passes a valid answer sent as a form (captcha_response[geetest_challenge]=…), checking the seccode with GeeTest', async () => {
    const answer = geetestAnswer(GEETEST_KEY);
    const before = geetest.requests.length;
    await call(withGeetest, e, { captcha_response: answer }, e.ok);
    const sent = geetest.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: 'POST', path: '/validate.php' });
    expect(sent[0]!.form.get('seccode')).toBe(answer.geetest_seccode);
  });

  it('passes a valid answer sent as JSON', async () => {
    await call(withGeetest, e, { captcha_response: geetestAnswer(GEETEST_KEY) }, e.ok, 'json');
  });

  it('no response, a blank one or an empty object: 400 identity.captcha.required', async () => {
    for (const captcha of [{}, { captcha_response: '' }, { captcha_response: {} }]) {
      const res = await call(withGeetest, e, captcha, 400, 'json');
      expect(res.body).toEqual(errors('identity.captcha.required'));
    }
  });

  it.each(['geetest_challenge', 'geetest_validate', 'geetest_seccode'])(
    'without %s: 400 identity.captcha.mandatory_fields',
    async (field) => {
      const answer: Record<string, string> = geetestAnswer(GEETEST_KEY);
      delete answer[field];
      const res = await call(withGeetest, e, { captcha_response: answer }, 400);
      expect(res.body).toEqual(errors('identity.captcha.mandatory_fields'));
    },
  );

  it('a validate that is not md5(key + "geetest" + challenge): 422, GeeTest is not asked', async () => {
    const answer = { ...geetestAnswer(GEETEST_KEY), geetest_validate: md5('something else') };
    const before = geetest.requests.length;
    const res = await call(withGeetest, e, { captcha_response: answer }, 422);
    expect(res.body).toEqual(errors('identity.captcha.verification_failed'));
    expect(geetest.requests.length).toBe(before);
  });

  it('a seccode GeeTest does not confirm: 422 identity.captcha.verification_failed', async () => {
    const answer = { ...geetestAnswer(GEETEST_KEY), geetest_seccode: 'bad-seccode' };
    const refused = await call(withGeetest, e, { captcha_response: answer }, 422);
    expect(refused.body).toEqual(errors('identity.captcha.verification_failed'));
  });

  it(`a reCAPTCHA-style string or an array: 422 ${e.wrongFormat}`, async () => {
    expect((await call(withGeetest, e, { captcha_response: 'a-token' }, 422)).body).toEqual(errors(e.wrongFormat));
    expect((await call(withGeetest, e, { captcha_response: ['a', 'b'] }, 422, 'json')).body).toEqual(
      errors(e.wrongFormat),
    );
  });

  it(`a field that is not a string: 422 ${e.wrongFormat}`, async () => {
    const answer = { ...geetestAnswer(GEETEST_KEY), geetest_seccode: { nested: 'x' } };
    const res = await call(withGeetest, e, { captcha_response: answer }, 422, 'json');
    expect(res.body).toEqual(errors(e.wrongFormat));
  });

  it('GeeTest failing: 422 identity.captcha.verification_failed', async () => {
    geetest.mode = 'error';
    try {
      const res = await call(withGeetest, e, { captcha_response: geetestAnswer(GEETEST_KEY) }, 422);
      expect(res.body).toEqual(errors('identity.captcha.verification_failed'));
    } finally {
      geetest.mode = 'up';
    }
  });
});

describe('providers that cannot be reached', () => {
  let recaptchaDown: TestApp;
  let geetestDown: TestApp;
  beforeAll(async () => {
    [recaptchaDown, geetestDown] = await Promise.all([
      startTestApp(recaptchaEnv(`${await unreachableUrl()}/siteverify`)),
      startTestApp(geetestEnv(await unreachableUrl())),
    ]);
  });
  afterAll(async () => {
    await Promise.all([recaptchaDown?.close(), geetestDown?.close()]);
  });

  it.each(ENDPOINTS)('$name answers 422 identity.captcha.verification_failed for either captcha', async (e) => {
    const viaRecaptcha = await call(recaptchaDown, e, { captcha_response: GOOD_TOKEN }, 422);
    expect(viaRecaptcha.body).toEqual(errors('identity.captcha.verification_failed'));
    const viaGeetest = await call(geetestDown, e, { captcha_response: geetestAnswer(GEETEST_KEY) }, 422);
    expect(viaGeetest.body).toEqual(errors('identity.captcha.verification_failed'));
  });

  it('a provider that never answers fails the check after 5 seconds', async () => {
    recaptcha.mode = 'hang';
    try {
      const started = Date.now();
      const res = await call(withRecaptcha, ENDPOINTS[0]!, { captcha_response: GOOD_TOKEN }, 422);
      expect(res.body).toEqual(errors('identity.captcha.verification_failed'));
      expect(Date.now() - started).toBeGreaterThanOrEqual(4_900);
      expect(Date.now() - started).toBeLessThan(9_000);
    } finally {
      recaptcha.mode = 'up';
    }
  });
});

describe('endpoints captcha does not protect', () => {
  let loginOnly: TestApp;
  beforeAll(async () => {
    loginOnly = await startTestApp(
      recaptchaEnv(`${recaptcha.url}/siteverify`, { BARONG_CAPTCHA_PROTECTED_ENDPOINTS: 'session_create' }),
    );
  });
  afterAll(async () => {
    await loginOnly?.close();
  });

  it('only the listed endpoints ask for a captcha', async () => {
    const before = recaptcha.requests.length;
    for (const e of ENDPOINTS.filter((x) => x.path !== '/identity/sessions')) await call(loginOnly, e, {}, e.ok);
    expect(recaptcha.requests.length).toBe(before);
    const login = ENDPOINTS.find((x) => x.path === '/identity/sessions')!;
    expect((await call(loginOnly, login, {}, 400)).body).toEqual(errors('identity.captcha.required'));
    await call(loginOnly, login, { captcha_response: GOOD_TOKEN }, 201);
  });

  it('endpoints outside the captcha list never ask, whatever is configured', async () => {
    await request(withRecaptcha.app)
      .post(`${API}/identity/password/validate`)
      .type('form')
      .send({ password: 'Tecohvi0' })
      .expect(201);
    await request(withGeetest.app)
      .post(`${API}/public/password/validate`)
      .type('form')
      .send({ password: 'Tecohvi0' })
      .expect(201);
  });
});

describe('GET /identity/users/register_geetest', () => {
  const REGISTER = `${API}/identity/users/register_geetest`;

  it('hands out the gt id and md5(GeeTest challenge + key), asking GeeTest with the gt id', async () => {
    const before = geetest.requests.length;
    const res = await request(withGeetest.app).get(REGISTER).expect(200);
    expect(res.body).toEqual({ gt: GEETEST_ID, challenge: md5(geetest.challenge + GEETEST_KEY) });
    const sent = geetest.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: 'GET', path: '/register.php' });
    expect(sent[0]!.query.get('gt')).toBe(GEETEST_ID);
  });

  it('answers {} when GeeTest fails or answers something that is not a challenge', async () => {
    for (const mode of ['error', 'garbage'] as const) {
      geetest.mode = mode;
      try {
        expect((await request(withGeetest.app).get(REGISTER).expect(200)).body).toEqual({});
      } finally {
        geetest.mode = 'up';
      }
    }
  });

  it('answers {} when the captcha is not GeeTest', async () => {
    expect((await request(withRecaptcha.app).get(REGISTER).expect(200)).body).toEqual({});
  });
});
