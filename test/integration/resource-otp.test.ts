import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { generateSecret } from 'otplib';
import { startTestApp, type TestApp } from '../support/app.js';
import { activeUser, freshCode, sessionCookie, totpCode } from '../support/factories.js';
import { userClaims } from '../../src/domain/tokens/session-jwt.js';
import type { User } from '../../src/db/repositories/users-repository.js';
import type { DomainEvent } from '../../src/domain/events/domain-events.js';

const API = '/api/v2/barong/resource';
const UA = 'vitest-browser/1.0';
let t: TestApp;
const events: DomainEvent[] = [];

beforeAll(async () => {
  t = await startTestApp({ BARONG_OTP_MAX_ATTEMPTS: '5', BARONG_OTP_ATTEMPTS_WINDOW: '300' });
  t.services.dispatcher.subscribe('test', async (e) => void events.push(e));
});
afterAll(async () => {
  await t?.close();
});

async function bearer(user: User): Promise<string> {
  return `Bearer ${await t.services.sessionJwt.sign(userClaims(user))}`;
}

/** POSTs as the user (Bearer token) and checks the status, and the body when given. */
async function post(user: User, path: string, body: Record<string, unknown>, status: number, expected?: unknown) {
  const req = request(t.app)
    .post(`${API}${path}`)
    .set('Authorization', await bearer(user))
    .set('User-Agent', UA)
    .send(body);
  return expected === undefined ? req.expect(status) : req.expect(status, expected);
}

const reload = async (user: User) => (await t.services.uow.repos.users.findById(user.id))!;
const activities = (user: User, action: string) =>
  t.db.knex('activities').where({ user_id: user.id, topic: 'otp', action }).orderBy('id');
/** The `model.user.updated` events of a user that changed `otp`. */
const otpEvents = (user: User) =>
  events
    .filter((e) => e.name === 'model.user.updated' && (e.payload.record as { uid: string }).uid === user.uid)
    .filter((e) => 'otp' in (e.payload.changes as object))
    .map((e) => ({ otp: (e.payload.record as { otp: boolean }).otp, changes: e.payload.changes }));
const otpLabel = (user: User) => t.db.knex('labels').where({ user_id: user.id, key: 'otp' }).first();

/** Far enough from a step boundary that a code for the previous step stays within the ±1 window. */
async function awayFromStepEdge(): Promise<void> {
  const intoStep = (Date.now() / 1000) % 30;
  if (intoStep > 25) await new Promise((r) => setTimeout(r, (30.5 - intoStep) * 1000));
}

function secretFrom(url: string): string {
  return new URL(url).searchParams.get('secret')!;
}

describe('POST /resource/otp/generate_qrcode', () => {
  it('issues a secret as a Vault-style otpauth URL and a PNG QR code; stores it encrypted; records the activity', async () => {
    const user = await activeUser(t);
    const res = await post(user, '/otp/generate_qrcode', {}, 200);
    const { url, barcode } = res.body.data;
    expect(url).toBe(
      `otpauth://totp/Barong:${user.email}?algorithm=SHA1&digits=6&issuer=Barong&period=30&secret=${secretFrom(url)}`,
    );
    expect(secretFrom(url)).toMatch(/^[A-Z2-7]{32}$/);
    expect(Buffer.from(barcode, 'base64').subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    const stored = await reload(user);
    expect(stored.otp).toBe(false);
    expect(stored.otpSecretEncrypted).toMatch(/^v1:/);
    expect(stored.otpSecretEncrypted).not.toContain(secretFrom(url));
    expect(t.services.encryptor.decrypt(stored.otpSecretEncrypted!)).toBe(secretFrom(url));
    expect(await activities(user, 'request QR code for 2FA')).toMatchObject([{ result: 'succeed', user_agent: UA }]);
  });

  it('replaces a secret not yet enabled: only the last QR code counts', async () => {
    const user = await activeUser(t);
    const first = secretFrom((await post(user, '/otp/generate_qrcode', {}, 200)).body.data.url);
    const second = secretFrom((await post(user, '/otp/generate_qrcode', {}, 200)).body.data.url);
    expect(second).not.toBe(first);
    await post(user, '/otp/enable', { code: await freshCode(t, user, first) }, 422, {
      errors: ['resource.otp.invalid'],
    });
    await post(user, '/otp/enable', { code: await freshCode(t, user, second) }, 200, {});
  });

  it('refuses a user with 2FA on: 400 resource.otp.already_enabled, a failed activity, the secret kept', async () => {
    const secret = generateSecret();
    const user = await activeUser(t, { otpSecret: secret });
    await post(user, '/otp/generate_qrcode', {}, 400, { errors: ['resource.otp.already_enabled'] });
    expect(t.services.encryptor.decrypt((await reload(user)).otpSecretEncrypted!)).toBe(secret);
    const [row] = await activities(user, 'request QR code for 2FA');
    expect(row).toMatchObject({
      result: 'failed',
      data: JSON.stringify({ reason: '2FA has been already enabled for this account' }),
    });
  });

  it('needs credentials: 401 jwt.decode_and_verify', async () => {
    await request(t.app)
      .post(`${API}/otp/generate_qrcode`)
      .expect(401, { errors: ['jwt.decode_and_verify'] });
  });
});

describe('POST /resource/otp/enable', () => {
  it('turns 2FA on with a code from the QR secret, adds `otp: enabled`, and ends every other session', async () => {
    const user = await activeUser(t);
    const login = async () => {
      const res = await request(t.app)
        .post('/api/v2/barong/identity/sessions')
        .set('User-Agent', UA)
        .send({ email: user.email, password: user.password })
        .expect(201);
      return { cookie: sessionCookie(res)!, csrf: res.body.csrf_token as string };
    };
    const other = await login();
    const mine = await login();
    const asMine = (req: request.Test) =>
      req.set('Cookie', mine.cookie).set('X-CSRF-Token', mine.csrf).set('User-Agent', UA);

    const qr = await asMine(request(t.app).post(`${API}/otp/generate_qrcode`)).expect(200);
    const code = await totpCode(secretFrom(qr.body.data.url));
    await asMine(request(t.app).post(`${API}/otp/enable`))
      .send({ code })
      .expect(200, {});

    const stored = await reload(user);
    expect(stored.otp).toBe(true);
    expect(await otpLabel(user)).toMatchObject({ value: 'enabled', scope: 'private' });
    expect(await activities(user, 'enable 2FA')).toMatchObject([{ result: 'succeed' }]);
    expect(otpEvents(user)).toEqual([{ otp: true, changes: { otp: false } }]);
    await asMine(request(t.app).get(`${API}/api_keys`)).expect(200);
    await request(t.app)
      .get(`${API}/api_keys`)
      .set('Cookie', other.cookie)
      .set('User-Agent', UA)
      .expect(401, { errors: ['jwt.decode_and_verify'] });
  });

  it('answers 400 resource.otp.already_enabled when 2FA is on', async () => {
    const secret = generateSecret();
    const user = await activeUser(t, { otpSecret: secret });
    await post(user, '/otp/enable', { code: await freshCode(t, user, secret) }, 400, {
      errors: ['resource.otp.already_enabled'],
    });
    expect(await activities(user, 'enable 2FA')).toMatchObject([{ result: 'failed' }]);
  });

  it('answers 422 resource.otp.invalid without a secret, or with a wrong code (failed activity), 2FA staying off', async () => {
    const fresh = await activeUser(t);
    await post(fresh, '/otp/enable', { code: '123456' }, 422, { errors: ['resource.otp.invalid'] });
    const user = await activeUser(t);
    await post(user, '/otp/generate_qrcode', {}, 200);
    await post(user, '/otp/enable', { code: '000000' }, 422, { errors: ['resource.otp.invalid'] });
    expect((await reload(user)).otp).toBe(false);
    expect(await otpLabel(user)).toBeUndefined();
    const [row] = await activities(user, 'enable 2FA');
    expect(row).toMatchObject({ result: 'failed', data: JSON.stringify({ reason: 'OTP code is invalid' }) });
  });

  it('answers 400 for a missing or empty code (validation)', async () => {
    const user = await activeUser(t);
    await post(user, '/otp/enable', {}, 400, { errors: ['resource.otp.missing_code', 'resource.otp.empty_code'] });
    await post(user, '/otp/enable', { code: '' }, 400, { errors: ['resource.otp.empty_code'] });
  });

  it('needs the CSRF token with the session cookie', async () => {
    const user = await activeUser(t);
    const res = await request(t.app)
      .post('/api/v2/barong/identity/sessions')
      .set('User-Agent', UA)
      .send({ email: user.email, password: user.password })
      .expect(201);
    await request(t.app)
      .post(`${API}/otp/enable`)
      .set('Cookie', sessionCookie(res)!)
      .set('User-Agent', UA)
      .send({ code: '123456' })
      .expect(401, { errors: ['authz.missing_csrf_token'] });
  });
});

describe('POST /resource/otp/verify', () => {
  it('accepts a right code once: the same code again is refused', async () => {
    const secret = generateSecret();
    const user = await activeUser(t, { otpSecret: secret });
    const code = await freshCode(t, user, secret);
    await post(user, '/otp/verify', { code }, 200, {});
    await post(user, '/otp/verify', { code }, 422, { errors: ['resource.otp.invalid'] });
  });

  it('accepts one step of skew either way, not two', async () => {
    const secret = generateSecret();
    const user = await activeUser(t, { otpSecret: secret });
    await awayFromStepEdge();
    await post(user, '/otp/verify', { code: await freshCode(t, user, secret, -1) }, 200);
    await post(user, '/otp/verify', { code: await freshCode(t, user, secret, 1) }, 200);
    await post(user, '/otp/verify', { code: await freshCode(t, user, secret, -2) }, 422);
  });

  it('answers 400 resource.otp.not_enabled when 2FA is off (Barong says already_enabled), with a failed activity', async () => {
    const user = await activeUser(t);
    await post(user, '/otp/verify', { code: '123456' }, 400, { errors: ['resource.otp.not_enabled'] });
    const [row] = await activities(user, 'verify 2FA code');
    expect(row).toMatchObject({
      result: 'failed',
      data: JSON.stringify({ reason: '2FA has not been enabled for this account' }),
    });
  });

  it('answers 422 resource.otp.invalid to a wrong code, with a failed activity', async () => {
    const secret = generateSecret();
    const user = await activeUser(t, { otpSecret: secret });
    await post(user, '/otp/verify', { code: '12345x' }, 422, { errors: ['resource.otp.invalid'] });
    expect(await activities(user, 'verify 2FA code')).toMatchObject([{ result: 'failed' }]);
  });

  it('limits wrong codes per user: 429 resource.otp.too_many_attempts, even for the right code, others unaffected', async () => {
    const secret = generateSecret();
    const user = await activeUser(t, { otpSecret: secret });
    const bystander = await activeUser(t, { otpSecret: secret });
    for (let i = 0; i < 5; i++) await post(user, '/otp/verify', { code: '000000' }, 422);
    const limited = await post(user, '/otp/verify', { code: await freshCode(t, user, secret) }, 429);
    expect(limited.body).toEqual({ errors: ['resource.otp.too_many_attempts'] });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await post(bystander, '/otp/verify', { code: await freshCode(t, bystander, secret) }, 200);
  });

  it('gives the budget back after a right code', async () => {
    const secret = generateSecret();
    const user = await activeUser(t, { otpSecret: secret });
    for (let i = 0; i < 4; i++) await post(user, '/otp/verify', { code: '000000' }, 422);
    await post(user, '/otp/verify', { code: await freshCode(t, user, secret) }, 200);
    for (let i = 0; i < 4; i++) await post(user, '/otp/verify', { code: '000000' }, 422);
  });
});

describe('POST /resource/otp/disable', () => {
  it('turns 2FA off, removes the label (level/state recomputed), deactivates the keys of the user and their service accounts', async () => {
    const user = await activeUser(t);
    const secret = secretFrom((await post(user, '/otp/generate_qrcode', {}, 200)).body.data.url);
    await post(user, '/otp/enable', { code: await freshCode(t, user, secret) }, 200);
    const enabled = await reload(user);
    const own = await post(
      enabled,
      '/api_keys',
      { algorithm: 'HS256', totp_code: await freshCode(t, user, secret) },
      201,
    );
    const account = await t.services.serviceAccountService.create(enabled);
    const saKey = await post(
      enabled,
      '/service_accounts/api_keys',
      {
        service_account_uid: account.uid,
        algorithm: 'HS256',
        totp_code: await freshCode(t, user, secret),
      },
      201,
    );
    const bystander = await activeUser(t, { otpSecret: secret });
    const theirs = await post(
      bystander,
      '/api_keys',
      { algorithm: 'HS256', totp_code: await freshCode(t, bystander, secret) },
      201,
    );

    await post(enabled, '/otp/disable', { code: await freshCode(t, user, secret) }, 200, {});

    const after = await reload(user);
    expect(after).toMatchObject({ otp: false, state: 'active', level: 1 });
    expect(await otpLabel(user)).toBeUndefined();
    const states = await t.db
      .knex('api_keys')
      .whereIn('kid', [own.body.kid, saKey.body.kid, theirs.body.kid])
      .select('kid', 'state');
    expect(Object.fromEntries(states.map((r) => [r.kid, r.state]))).toEqual({
      [own.body.kid]: 'inactive',
      [saKey.body.kid]: 'inactive',
      [theirs.body.kid]: 'active',
    });
    expect(await activities(user, 'disable 2FA')).toMatchObject([{ result: 'succeed' }]);
    expect(otpEvents(user)).toEqual([
      { otp: true, changes: { otp: false } },
      { otp: false, changes: { otp: true } },
    ]);
  });

  it('answers 400 resource.otp.not_enabled when 2FA is off', async () => {
    const user = await activeUser(t);
    await post(user, '/otp/disable', { code: '123456' }, 400, { errors: ['resource.otp.not_enabled'] });
    expect(await activities(user, 'disable 2FA')).toMatchObject([{ result: 'failed' }]);
  });

  it('answers 422 resource.otp.invalid to a wrong code and keeps 2FA on', async () => {
    const secret = generateSecret();
    const user = await activeUser(t, { otpSecret: secret });
    await post(user, '/otp/disable', { code: '000000' }, 422, { errors: ['resource.otp.invalid'] });
    expect((await reload(user)).otp).toBe(true);
  });

  it("one user's code never works for another user's 2FA", async () => {
    const mine = generateSecret();
    const theirs = generateSecret();
    const me = await activeUser(t, { otpSecret: mine });
    const them = await activeUser(t, { otpSecret: theirs });
    await post(me, '/otp/disable', { code: await freshCode(t, them, theirs) }, 422);
    await post(them, '/otp/disable', { code: await freshCode(t, me, mine) }, 422);
    expect((await reload(me)).otp).toBe(true);
    expect((await reload(them)).otp).toBe(true);
  });
});
