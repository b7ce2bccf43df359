/**
 * /resource/phones end to end: the API stores the code (digest only) and records the send; after the commit the
 * job goes through Redis (Bull `sms` queue) to the worker started with the production start function
 * (jobs/main.ts startWorker), which sends it with the real twilio client to a local Twilio stand-in; the test
 * reads the code from what the stand-in received, as the user reads it from the phone.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createQueue, type Queue } from '../../src/queues/create-queue.js';
import { SMS_QUEUE_NAME, type SmsJob } from '../../src/queues/sms-queue.js';
import type { User } from '../../src/db/repositories/users-repository.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startMailHarness } from '../support/mail.js';
import { createUser } from '../support/factories.js';
import { bearer, login, withSession, withToken } from '../support/account-client.js';
import {
  startTwilioStandIn,
  TEST_ACCOUNT_SID,
  TEST_AUTH_TOKEN,
  TEST_FROM_NUMBER,
  TEST_SERVICE_SID,
  TWILIO_REFUSALS,
  type TwilioStandIn,
} from '../support/twilio-stand-in.js';
import { until } from '../support/wait.js';

const PER_NUMBER = 4;
const PER_USER = 6;
const MAX_ATTEMPTS = 5;

function phoneEnv(twilio: TwilioStandIn, mode: 'twilio_sms' | 'twilio_verify'): Record<string, string> {
  return {
    BARONG_PHONE_VERIFICATION: mode,
    BARONG_TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
    BARONG_TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
    BARONG_TWILIO_SERVICE_SID: TEST_SERVICE_SID,
    BARONG_TWILIO_API_BASE: twilio.url,
    BARONG_PHONE_CODE_REQUESTS_MAX: String(PER_NUMBER),
    BARONG_PHONE_CODE_REQUESTS_MAX_PER_USER: String(PER_USER),
  };
}

interface Pipeline {
  t: TestApp;
  /** A handle on the app's `sms` queue, to see failed jobs. */
  queue: Queue<SmsJob>;
  stop(): Promise<void>;
}

/** The app, and the worker process's graph (mail + SMS) with the app's settings, as the mail harness starts it. */
async function startPipeline(env: Record<string, string>): Promise<Pipeline> {
  const t = await startTestApp(env);
  const worker = await startMailHarness(t);
  const queue = createQueue<SmsJob>(SMS_QUEUE_NAME, { redis: t.config.redis, prefix: t.config.redisPrefix });
  return {
    t,
    queue,
    async stop() {
      await worker.stop();
      await queue.close();
      await t.close();
    },
  };
}

let twilio: TwilioStandIn;
let p: Pipeline;
let t: TestApp;
let numberSeq = 100;

/** A fresh valid number (202-555-01xx is the fictional range; libphonenumber takes all of 202-555-xxxx). */
const newNumber = () => `+1202555${String(numberSeq++).padStart(4, '0')}`;
const masked = (n: string) => `1******${n.slice(-4)}`;

/** An active user with a verified e-mail (level 1), so a verified phone makes level 2. */
async function verifiedUser(app: TestApp = t): Promise<User & { password: string }> {
  return createUser(app, { level: 1, privateLabels: { email: 'verified' } });
}

/** The phone API as one user, through a Bearer token. */
async function as(user: User, app: TestApp = t) {
  const token = await bearer(app, user);
  return {
    add: (phone_number: string, channel?: string) =>
      withToken(app, 'post', '/phones', token).send({ phone_number, ...(channel ? { channel } : {}) }),
    send: (phone_number: string, channel?: string) =>
      withToken(app, 'post', '/phones/send_code', token).send({ phone_number, ...(channel ? { channel } : {}) }),
    verify: (phone_number: string, verification_code: string) =>
      withToken(app, 'post', '/phones/verify', token).type('form').send({ phone_number, verification_code }),
    list: () => withToken(app, 'get', '/phones', token),
  };
}

const phoneRow = (userId: number, app: TestApp = t) =>
  app.db.knex('phones').where({ user_id: userId }).orderBy('id').first();

/** Waits until the worker has given up on the SMS job of this phone (failed set). */
function failedJobOf(pipeline: Pipeline, phoneId: number) {
  const failedJob = async () => (await pipeline.queue.getFailed()).find((j) => j.data.phoneId === phoneId);
  return until(failedJob, { timeoutMs: 10_000, what: `a failed SMS job for phone ${phoneId}` });
}

beforeAll(async () => {
  twilio = await startTwilioStandIn();
  p = await startPipeline(phoneEnv(twilio, 'twilio_sms'));
  t = p.t;
});
afterEach(() => twilio.clearFailures());
afterAll(async () => {
  await p?.stop();
  await twilio?.close();
});

describe('adding and verifying a phone, end to end', () => {
  it('sends the code by SMS through the queue and the worker; the code verifies the phone and the level rises to 2', async () => {
    const user = await verifiedUser();
    const api = await as(user);
    const number = newNumber();

    const added = await api.add(number).expect(200);
    expect(added.body).toEqual({ message: 'Code was sent successfully via sms' });

    const sms = await twilio.waitForSms(number);
    expect(sms.from).toBe(TEST_FROM_NUMBER);
    expect(sms.body).toMatch(/^Your verification code for Barong: \d{5}$/);
    const code = sms.body.slice(-5);

    const listed = await api.list().expect(200);
    expect(listed.body).toEqual([{ country: 'US', number: masked(number), validated_at: null }]);

    const verified = await api.verify(number, code).expect(201);
    expect(verified.body).toMatchObject({ uid: user.uid, level: 2, state: 'active' });
    expect(verified.body.labels).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: 'phone', value: 'verified', scope: 'private' })]),
    );
    expect(verified.body.phones).toEqual([
      {
        country: 'US',
        number: masked(number),
        validated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      },
    ]);
    expect((await t.services.uow.repos.users.findById(user.id))!.level).toBe(2);
  });

  it('keeps the number encrypted with a blind index, and only a keyed digest of the code, void once used', async () => {
    const user = await verifiedUser();
    const api = await as(user);
    const number = newNumber();
    await api.add(number).expect(200);
    const code = await twilio.codeFor(number);

    const row = await phoneRow(user.id);
    const digits = number.slice(1);
    expect(row.country).toBe('US');
    expect(row.number_encrypted).not.toContain(digits);
    expect(t.services.encryptor.decrypt(row.number_encrypted)).toBe(digits);
    expect(row.number_index).toBe(t.services.encryptor.blindIndex(digits));
    expect(row.code_digest).toMatch(/^[0-9a-f]{64}$/);
    expect(row.code_digest).not.toContain(code);
    expect(row.code_expires_at.getTime() - row.code_sent_at.getTime()).toBe(600_000);
    expect(row.code_attempts).toBe(0);

    await api.verify(number, code).expect(201);
    const after = await phoneRow(user.id);
    expect(after).toMatchObject({ code_digest: null, code_expires_at: null });
    expect(after.validated_at).toBeInstanceOf(Date);
  });

  it('works with the session cookie and its CSRF token, and refuses a cookie call without it', async () => {
    const user = await verifiedUser();
    const session = await login(t, user);
    const number = newNumber();
    const refused = await withSession(t, 'post', '/phones', session, { csrf: false })
      .send({ phone_number: number })
      .expect(401);
    expect(refused.body).toEqual({ errors: ['authz.missing_csrf_token'] });

    await withSession(t, 'post', '/phones', session).type('form').send({ phone_number: number }).expect(200);
    const code = await twilio.codeFor(number);
    const res = await withSession(t, 'post', '/phones/verify', session)
      .send({ phone_number: number, verification_code: code })
      .expect(201);
    expect(res.body.level).toBe(2);
    expect((await withSession(t, 'get', '/phones', session).expect(200)).body[0].validated_at).not.toBeNull();
  });

  it('normalises the number: no plus sign, spaces and brackets are the same number', async () => {
    const user = await verifiedUser();
    const api = await as(user);
    const number = newNumber();
    const loose = `1 (202) 555-${number.slice(-4)}`;
    await api.add(loose).expect(200);
    await twilio.waitForSms(number);
    expect((await api.add(number).expect(400)).body).toEqual({ errors: ['resource.phone.exists'] });
    expect((await api.list()).body).toEqual([{ country: 'US', number: masked(number), validated_at: null }]);
  });

  it('answers 401 without credentials', async () => {
    for (const [method, path] of [
      ['get', '/phones'],
      ['post', '/phones'],
      ['post', '/phones/send_code'],
      ['post', '/phones/verify'],
    ] as const) {
      const res = await request(t.app)
        [method](`/api/v2/barong/resource${path}`)
        .send({ phone_number: newNumber(), verification_code: '12345' });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ errors: ['jwt.decode_and_verify'] });
    }
  });
});

describe('POST /phones', () => {
  it('refuses invalid numbers with resource.phone.invalid_num', async () => {
    const api = await as(await verifiedUser());
    for (const bad of ['abc', '+1202', '+12025550143x', '+1 202 555 01', '+800 1234 5678', '00000000']) {
      expect((await api.add(bad).expect(400)).body, bad).toEqual({ errors: ['resource.phone.invalid_num'] });
    }
    expect((await api.list()).body).toEqual([]);
  });

  it('answers Barong keys for missing, empty and invalid parameters', async () => {
    const api = await as(await verifiedUser());
    const token = await bearer(t, await verifiedUser());
    const missing = await withToken(t, 'post', '/phones', token).send({}).expect(400);
    expect(missing.body).toEqual({
      errors: ['resource.phone.missing_phone_number', 'resource.phone.empty_phone_number'],
    });
    expect((await api.add('').expect(400)).body).toEqual({ errors: ['resource.phone.empty_phone_number'] });
    expect((await api.add(newNumber(), 'fax').expect(422)).body).toEqual({
      errors: ['resource.phone.invalid_channel'],
    });
  });

  it('refuses a number the user already added (exists) and one anybody verified, the user included (number_exist)', async () => {
    const [a, b] = [await verifiedUser(), await verifiedUser()];
    const [apiA, apiB] = [await as(a), await as(b)];
    const number = newNumber();
    await apiA.add(number).expect(200);
    expect((await apiA.add(number).expect(400)).body).toEqual({ errors: ['resource.phone.exists'] });
    await apiA.verify(number, await twilio.codeFor(number)).expect(201);

    expect((await apiA.add(number).expect(400)).body).toEqual({ errors: ['resource.phone.number_exist'] });
    expect((await apiB.add(number).expect(400)).body).toEqual({ errors: ['resource.phone.number_exist'] });
  });

  it('sends by SMS when a call is asked for (call needs Twilio Verify)', async () => {
    const api = await as(await verifiedUser());
    const number = newNumber();
    expect((await api.add(number, 'call').expect(200)).body).toEqual({ message: 'Code was sent successfully via sms' });
    expect((await twilio.waitForSms(number)).body).toMatch(/\d{5}$/);
  });
});

describe('POST /phones/send_code', () => {
  it('sends a new code; the previous one stops working', async () => {
    const api = await as(await verifiedUser());
    const number = newNumber();
    await api.add(number).expect(200);
    const first = await twilio.codeFor(number, 1);
    expect((await api.send(number).expect(200)).body).toEqual({ message: 'Code was sent successfully via sms' });
    const second = await twilio.codeFor(number, 2);

    if (first !== second)
      expect((await api.verify(number, first).expect(404)).body).toEqual({
        errors: ['resource.phone.verification_invalid'],
      });
    await api.verify(number, second).expect(201);
  });

  it('answers doesnt_exist for a number the user has not added, invalid_num and number_exist as add does', async () => {
    const api = await as(await verifiedUser());
    const number = newNumber();
    expect((await api.send(number).expect(404)).body).toEqual({ errors: ['resource.phone.doesnt_exist'] });
    expect((await api.send('12').expect(400)).body).toEqual({ errors: ['resource.phone.invalid_num'] });
    await api.add(number).expect(200);
    await api.verify(number, await twilio.codeFor(number)).expect(201);
    expect((await api.send(number).expect(400)).body).toEqual({ errors: ['resource.phone.number_exist'] });
    expect(twilio.count('messages', number)).toBe(1);
  });

  it(`limits codes per number, whoever asks (${PER_NUMBER} per window), with 429 and Retry-After`, async () => {
    const [a, b] = [await verifiedUser(), await verifiedUser()];
    const [apiA, apiB] = [await as(a), await as(b)];
    const number = newNumber();
    await apiA.add(number).expect(200);
    for (let i = 1; i < PER_NUMBER; i++) await apiA.send(number).expect(200);
    const limited = await apiA.send(number).expect(429);
    expect(limited.body).toEqual({ errors: ['resource.phone.too_many_requests'] });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await apiB.add(number).expect(429)).body).toEqual({ errors: ['resource.phone.too_many_requests'] });
    await twilio.codeFor(number, PER_NUMBER);
    expect(twilio.count('messages', number)).toBe(PER_NUMBER);
  });

  it(`limits codes per user, whatever the number (${PER_USER} per window)`, async () => {
    const api = await as(await verifiedUser());
    for (let i = 0; i < PER_USER; i++) await api.add(newNumber()).expect(200);
    const number = newNumber();
    expect((await api.add(number).expect(429)).body).toEqual({ errors: ['resource.phone.too_many_requests'] });
    expect((await api.list()).body).toHaveLength(PER_USER);
  });
});

describe('POST /phones/verify', () => {
  it('refuses a wrong code with 404 verification_invalid and still takes the right one', async () => {
    const api = await as(await verifiedUser());
    const number = newNumber();
    await api.add(number).expect(200);
    const code = await twilio.codeFor(number);
    const wrong = code === '00000' ? '11111' : '00000';
    expect((await api.verify(number, wrong).expect(404)).body).toEqual({
      errors: ['resource.phone.verification_invalid'],
    });
    await api.verify(number, code).expect(201);
  });

  it(`voids the code after ${MAX_ATTEMPTS} wrong tries; a new code is needed`, async () => {
    const user = await verifiedUser();
    const api = await as(user);
    const number = newNumber();
    await api.add(number).expect(200);
    const code = await twilio.codeFor(number);
    const wrong = code === '00000' ? '11111' : '00000';
    for (let i = 0; i < MAX_ATTEMPTS; i++) await api.verify(number, wrong).expect(404);
    expect((await phoneRow(user.id)).code_digest).toBeNull();
    expect((await api.verify(number, code).expect(404)).body).toEqual({
      errors: ['resource.phone.verification_invalid'],
    });

    await api.send(number).expect(200);
    await api.verify(number, await twilio.codeFor(number, 2)).expect(201);
  });

  it('refuses an expired code', async () => {
    const user = await verifiedUser();
    const api = await as(user);
    const number = newNumber();
    await api.add(number).expect(200);
    const code = await twilio.codeFor(number);
    await t.db
      .knex('phones')
      .where({ user_id: user.id })
      .update({ code_expires_at: new Date(Date.now() - 1000) });
    expect((await api.verify(number, code).expect(404)).body).toEqual({
      errors: ['resource.phone.verification_invalid'],
    });
  });

  it('takes a code once: the same request again answers number_exist', async () => {
    const api = await as(await verifiedUser());
    const number = newNumber();
    await api.add(number).expect(200);
    const code = await twilio.codeFor(number);
    await api.verify(number, code).expect(201);
    expect((await api.verify(number, code).expect(400)).body).toEqual({ errors: ['resource.phone.number_exist'] });
  });

  it('answers doesnt_exist, invalid_num and the missing-parameter keys', async () => {
    const api = await as(await verifiedUser());
    expect((await api.verify(newNumber(), '12345').expect(404)).body).toEqual({
      errors: ['resource.phone.doesnt_exist'],
    });
    expect((await api.verify('+1', '12345').expect(400)).body).toEqual({ errors: ['resource.phone.invalid_num'] });
    const token = await bearer(t, await verifiedUser());
    const missing = await withToken(t, 'post', '/phones/verify', token).send({ phone_number: newNumber() }).expect(400);
    expect(missing.body).toEqual({
      errors: ['resource.phone.missing_verification_code', 'resource.phone.empty_verification_code'],
    });
  });

  it('lets only one user verify a number both added', async () => {
    const [a, b] = [await verifiedUser(), await verifiedUser()];
    const [apiA, apiB] = [await as(a), await as(b)];
    const number = newNumber();
    await apiA.add(number).expect(200);
    const codeA = await twilio.codeFor(number, 1);
    await apiB.add(number).expect(200);
    const codeB = await twilio.codeFor(number, 2);
    await apiA.verify(number, codeA).expect(201);
    expect((await apiB.verify(number, codeB).expect(400)).body).toEqual({ errors: ['resource.phone.number_exist'] });
    expect((await phoneRow(b.id)).validated_at).toBeNull();
  });
});

describe('after the phone step is verified (security case 25)', () => {
  const closed = { errors: ['resource.phone.already_verified'] };

  it('refuses to add, resend to or verify another number: 422 already_verified; the verified number and level stay', async () => {
    const user = await verifiedUser();
    const api = await as(user);
    const [first, second] = [newNumber(), newNumber()];
    await api.add(first).expect(200);
    await api.add(second).expect(200);
    const secondCode = await twilio.codeFor(second);
    await api.verify(first, await twilio.codeFor(first)).expect(201);

    expect((await api.verify(second, secondCode).expect(422)).body).toEqual(closed);
    expect((await api.send(second).expect(422)).body).toEqual(closed);
    const third = newNumber();
    expect((await api.add(third).expect(422)).body).toEqual(closed);
    expect(twilio.count('messages', third)).toBe(0);
    // Barong's checks on the number itself still come first.
    expect((await api.verify(first, '12345').expect(400)).body).toEqual({ errors: ['resource.phone.number_exist'] });

    const phones = await t.db.knex('phones').where({ user_id: user.id }).orderBy('id');
    expect(phones.map((p) => p.validated_at !== null)).toEqual([true, false]);
    expect((await t.services.uow.repos.users.findById(user.id))!.level).toBe(2);
  });

  it('verifies one of two numbers sent at once, never both', async () => {
    const user = await verifiedUser();
    const api = await as(user);
    const numbers = [newNumber(), newNumber()];
    for (const n of numbers) await api.add(n).expect(200);
    const codes = await Promise.all(numbers.map((n) => twilio.codeFor(n)));
    const results = await Promise.all(numbers.map((n, i) => api.verify(n, codes[i]!)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 422]);
    expect(results.find((r) => r.status === 422)!.body).toEqual(closed);
    const phones = await t.db.knex('phones').where({ user_id: user.id }).whereNotNull('validated_at');
    expect(phones).toHaveLength(1);
  });

  it('an admin can reopen the step; then the user verifies a new number', async () => {
    const user = await verifiedUser();
    const api = await as(user);
    const first = newNumber();
    await api.add(first).expect(200);
    await api.verify(first, await twilio.codeFor(first)).expect(201);
    await t.services.uow.run(async (w) => {
      const owner = (await w.repos.users.findById(user.id))!;
      await t.services.privateLabels.set(w, owner, 'phone', 'rejected', { by: 'admin' });
    });
    const second = newNumber();
    await api.add(second).expect(200);
    const res = await api.verify(second, await twilio.codeFor(second)).expect(201);
    expect(res.body.labels).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: 'phone', value: 'verified' })]),
    );
  });
});

describe('ownership', () => {
  it("never shows, resends or verifies another user's phone", async () => {
    const [a, b] = [await verifiedUser(), await verifiedUser()];
    const [apiA, apiB] = [await as(a), await as(b)];
    const number = newNumber();
    await apiA.add(number).expect(200);
    const codeA = await twilio.codeFor(number, 1);

    expect((await apiB.list().expect(200)).body).toEqual([]);
    expect((await apiB.send(number).expect(404)).body).toEqual({ errors: ['resource.phone.doesnt_exist'] });
    expect((await apiB.verify(number, codeA).expect(404)).body).toEqual({ errors: ['resource.phone.doesnt_exist'] });

    // B's own row for the same number has its own code: A's does not open it.
    await apiB.add(number).expect(200);
    const codeB = await twilio.codeFor(number, 2);
    if (codeA !== codeB)
      expect((await apiB.verify(number, codeA).expect(404)).body).toEqual({
        errors: ['resource.phone.verification_invalid'],
      });
    expect((await phoneRow(a.id)).code_attempts).toBe(0);

    await apiA.verify(number, codeA).expect(201);
    expect((await apiB.list()).body).toEqual([{ country: 'US', number: masked(number), validated_at: null }]);
    expect((await t.services.uow.repos.users.findById(b.id))!.level).toBe(1);
  });
});

describe('Twilio errors', () => {
  const cases: [number, string][] = [...TWILIO_REFUSALS, [21999, 'resource.phone.twilio_unexpected']];

  for (const [twilioCode, key] of cases) {
    it(`Twilio ${twilioCode} → ${key}: not retried, told at verify and at the next send_code`, async () => {
      const user = await verifiedUser();
      const api = await as(user);
      const number = newNumber();
      twilio.failWith(
        'messages',
        { status: 400, code: twilioCode, message: `The number ${number} is refused` },
        { to: number },
      );

      await api.add(number).expect(200);
      const job = await failedJobOf(p, (await phoneRow(user.id)).id);
      expect(job.failedReason).toContain(key);
      expect(job.failedReason).not.toContain(number.slice(1));
      expect(twilio.count('messages', number)).toBe(1);

      expect((await api.verify(number, '12345').expect(422)).body).toEqual({ errors: [key] });
      expect((await api.send(number).expect(422)).body).toEqual({ errors: [key] });

      // Told once; the next send_code tries again.
      twilio.clearFailures();
      await api.send(number).expect(200);
      await api.verify(number, await twilio.codeFor(number)).expect(201);
    });
  }

  it('retries when Twilio fails for a moment (5xx), and the code then arrives', async () => {
    const api = await as(await verifiedUser());
    const number = newNumber();
    twilio.failWith('messages', { status: 503 }, { to: number, times: 1 });
    await api.add(number).expect(200);
    const code = await twilio.codeFor(number, 1, 20_000);
    expect(twilio.count('messages', number)).toBe(2);
    await api.verify(number, code).expect(201);
  });
});

describe('twilio_verify', () => {
  let v: Pipeline;
  beforeAll(async () => {
    v = await startPipeline({ ...phoneEnv(twilio, 'twilio_verify'), BARONG_PHONE_CODE_MAX_ATTEMPTS: '3' });
  });
  afterAll(async () => {
    await v?.stop();
  });

  it('starts a Verify challenge by call, and verifies with the code Twilio made (no code of ours stored)', async () => {
    const user = await verifiedUser(v.t);
    const api = await as(user, v.t);
    const number = newNumber();
    expect((await api.add(number, 'call').expect(200)).body).toEqual({
      message: 'Code was sent successfully via call',
    });
    const code = await twilio.codeFor(number);
    expect(twilio.verifications.find((c) => c.to === number)).toMatchObject({ channel: 'call' });
    expect(twilio.count('messages', number)).toBe(0);
    expect((await phoneRow(user.id, v.t)).code_digest).toBeNull();

    const res = await api.verify(number, code).expect(201);
    expect(res.body.level).toBe(2);
    expect(res.body.phones[0].validated_at).not.toBeNull();
  });

  it('sends by SMS by default; a wrong code is 404 and, past the tries, Twilio is no longer asked', async () => {
    const api = await as(await verifiedUser(v.t), v.t);
    const number = newNumber();
    expect((await api.add(number).expect(200)).body).toEqual({ message: 'Code was sent successfully via sms' });
    const code = await twilio.codeFor(number);
    expect(twilio.verifications.find((c) => c.to === number)).toMatchObject({ channel: 'sms' });
    for (let i = 0; i < 3; i++) {
      expect((await api.verify(number, '000000').expect(404)).body).toEqual({
        errors: ['resource.phone.verification_invalid'],
      });
    }
    expect(twilio.count('checks', number)).toBe(3);
    await api.verify(number, code).expect(404);
    expect(twilio.count('checks', number)).toBe(3);

    await api.send(number).expect(200);
    await api.verify(number, await twilio.codeFor(number, 2)).expect(201);
  });

  it("maps Twilio's check errors: no pending verification → 404, anything else → 422 twilio_unexpected", async () => {
    const api = await as(await verifiedUser(v.t), v.t);
    const number = newNumber();
    await api.add(number).expect(200);
    const code = await twilio.codeFor(number);

    twilio.failWith('checks', { status: 404, code: 20404 }, { to: number, times: 1 });
    expect((await api.verify(number, code).expect(404)).body).toEqual({
      errors: ['resource.phone.verification_invalid'],
    });
    twilio.failWith('checks', { status: 500 }, { to: number, times: 1 });
    expect((await api.verify(number, code).expect(422)).body).toEqual({ errors: ['resource.phone.twilio_unexpected'] });
    await api.verify(number, code).expect(201);
  });

  it('reports a failed Verify send (landline, 60205) at verify', async () => {
    const user = await verifiedUser(v.t);
    const api = await as(user, v.t);
    const number = newNumber();
    twilio.failWith('verifications', { status: 400, code: 60205 }, { to: number });
    await api.add(number).expect(200);
    await failedJobOf(v, (await phoneRow(user.id, v.t)).id);
    expect((await api.verify(number, '123456').expect(422)).body).toEqual({
      errors: ['resource.phone.num_not_reachable'],
    });
  });
});
