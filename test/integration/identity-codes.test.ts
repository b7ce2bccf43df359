/**
 * E-mail confirmation and password reset end to end: the API enqueues, the real mail worker delivers over
 * SMTP, the test follows the link from the inbox like a user would.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import request from 'supertest';
import { decodeJwt } from 'jose';
import { startTestApp, type TestApp } from '../support/app.js';
import { startMailHarness, linkIn, type MailHarness } from '../support/mail.js';
import { createUser, sessionCookie, uniqueEmail, STRONG_PASSWORD } from '../support/factories.js';

const API = '/api/v2/barong/identity';
let t: TestApp;
let mail: MailHarness;

beforeAll(async () => {
  // A short, non-default token lifetime, so the expiry test shows the setting is the one applied.
  t = await startTestApp({
    BARONG_CODE_REQUESTS_MAX: '3',
    BARONG_CODE_REQUESTS_MAX_PER_IP: '1000',
    BARONG_JWT_EXPIRE_TIME: '120',
  });
  mail = await startMailHarness(t);
  // The first user becomes superadmin without confirmation; the tests want ordinary members.
  await createUser(t, { role: 'superadmin' });
});
afterAll(async () => {
  await mail?.stop();
  await t?.close();
});

const post = (path: string, body: Record<string, unknown>, cookie?: string) => {
  const req = request(t.app).post(`${API}${path}`).set('User-Agent', 'vitest-browser/1.0').type('form');
  if (cookie) req.set('Cookie', cookie);
  return req.send(body);
};

async function signUpAndGetLink(email: string, language?: string): Promise<URL> {
  await post('/users', {
    email,
    password: STRONG_PASSWORD,
    ...(language ? { data: JSON.stringify({ language }) } : {}),
  }).expect(201);
  const message = await mail.mailTo(email, /Registration|Регистрац/);
  return linkIn(message, 'confirmation_token');
}

describe('e-mail confirmation', () => {
  it('a new user gets a mail whose link confirms the account: active, level 1, logged in', async () => {
    const email = uniqueEmail('confirm');
    const link = await signUpAndGetLink(email);
    expect(link.origin + link.pathname).toBe('https://exchange.test/accounts/confirmation');
    const token = link.searchParams.get('confirmation_token')!;
    const res = await post('/users/email/confirm_code', { token }).expect(201);
    expect(res.body).toMatchObject({ email, state: 'active', level: 1 });
    expect(res.body.csrf_token).toMatch(/^[0-9a-f]{32}$/);
    expect(sessionCookie(res)).toBeDefined();
    expect(res.body.labels).toEqual([expect.objectContaining({ key: 'email', value: 'verified', scope: 'private' })]);
  });

  describe('opens a session only for an active account without 2FA', () => {
    const NO_SESSION_BODY = ['email', 'level', 'otp', 'role', 'state', 'uid'];

    async function signUpAndConfirmAfter(prepare: (uid: string) => Promise<void>) {
      const email = uniqueEmail('gated');
      const token = (await signUpAndGetLink(email)).searchParams.get('confirmation_token')!;
      const user = (await t.services.uow.repos.users.findByEmail(email))!;
      await prepare(user.uid);
      const res = await post('/users/email/confirm_code', { token }).expect(201);
      return { res, user: (await t.services.uow.repos.users.findById(user.id))! };
    }
    const label = (key: string, value: string) => async (uid: string) => {
      const user = (await t.services.uow.repos.users.findByUid(uid))!;
      await t.services.uow.run((w) => t.services.privateLabels.set(w, user, key, value));
    };

    it.each([
      ['banned', 'ban', 'banned'],
      ['locked', 'lock', 'suspicious'],
    ])('a %s account: the address is confirmed, no session, no csrf_token', async (state, key, value) => {
      const { res, user } = await signUpAndConfirmAfter(label(key, value));
      expect(Object.keys(res.body).sort()).toEqual(NO_SESSION_BODY);
      expect(res.body).toMatchObject({ uid: user.uid, state });
      expect(sessionCookie(res)).toBeUndefined();
      expect(
        await t.db.knex('labels').where({ user_id: user.id, key: 'email', scope: 'private' }).first(),
      ).toMatchObject({ value: 'verified' });
    });

    it('an account with 2FA: confirmed and active, but it logs in with its code; the link alone opens nothing', async () => {
      const { res, user } = await signUpAndConfirmAfter(async (uid) => {
        const pending = (await t.services.uow.repos.users.findByUid(uid))!;
        await t.services.uow.repos.users.update(pending.id, {
          otp: true,
          otpSecretEncrypted: t.services.encryptor.encrypt('JBSWY3DPEHPK3PXP'),
        });
      });
      expect(res.body).toEqual({
        email: user.email,
        uid: user.uid,
        role: 'member',
        level: 1,
        otp: true,
        state: 'active',
      });
      expect(res.body.csrf_token).toBeUndefined();
      expect(sessionCookie(res)).toBeUndefined();
      expect((await post('/sessions', { email: user.email, password: STRONG_PASSWORD }).expect(401)).body).toEqual({
        errors: ['identity.session.missing_otp'],
      });
    });

    it('a session the request carried is left as it was, neither ended nor replaced', async () => {
      const other = await createUser(t);
      const cookie = sessionCookie(
        await post('/sessions', { email: other.email, password: other.password }).expect(201),
      )!;
      const email = uniqueEmail('gated-carried');
      const token = (await signUpAndGetLink(email)).searchParams.get('confirmation_token')!;
      await label('ban', 'fraud')((await t.services.uow.repos.users.findByEmail(email))!.uid);
      const res = await post('/users/email/confirm_code', { token }, cookie).expect(201);
      expect(sessionCookie(res)).toBeUndefined();
      await request(t.app).delete(`${API}/sessions`).set('Cookie', cookie).expect(204);
    });
  });

  it('mails in the user’s language, whatever its case', async () => {
    const email = uniqueEmail('russian');
    await post('/users', { email, password: STRONG_PASSWORD, data: '{"language":"RU"}' }).expect(201);
    const message = await mail.mailTo(email);
    expect(message.subject).toMatch(/[А-Яа-я]/);
  });

  it('a confirmation link works once', async () => {
    const email = uniqueEmail('once');
    const token = (await signUpAndGetLink(email)).searchParams.get('confirmation_token')!;
    await post('/users/email/confirm_code', { token }).expect(201);
    const again = await post('/users/email/confirm_code', { token }).expect(422);
    expect(again.body).toEqual({ errors: ['identity.user.active_or_doesnt_exist'] });
  });

  it('a tampered or garbage token is a 422 jwt key', async () => {
    expect((await post('/users/email/confirm_code', { token: 'abc' }).expect(422)).body.errors[0]).toMatch(
      /^jwt\.decode_and_verify\./,
    );
    const token = (await signUpAndGetLink(uniqueEmail('tamper'))).searchParams.get('confirmation_token')!;
    const [h, p, s] = token.split('.');
    const forged = `${h}.${p}.${s!.slice(0, -4)}AAAA`;
    expect((await post('/users/email/confirm_code', { token: forged }).expect(422)).body).toEqual({
      errors: ['jwt.decode_and_verify.raised'],
    });
  });

  it('resending answers 201 for known, unknown and active e-mails alike; only a pending user gets mail', async () => {
    const email = uniqueEmail('resend');
    await signUpAndGetLink(email);
    const before = mail.smtp.inbox.length;
    await post('/users/email/generate_code', { email }).expect(201, {});
    await mail.mailTo(email);
    await post('/users/email/generate_code', { email: uniqueEmail('unknown') }).expect(201, {});
    const active = await createUser(t);
    await post('/users/email/generate_code', { email: active.email }).expect(201, {});
    await new Promise((r) => setTimeout(r, 300));
    expect(mail.smtp.inbox.length - before).toBe(1);
  });

  it('limits code requests per e-mail', async () => {
    const email = uniqueEmail('spam');
    for (let i = 0; i < 3; i++) await post('/users/email/generate_code', { email }).expect(201);
    const res = await post('/users/email/generate_code', { email }).expect(429);
    expect(res.body).toEqual({ errors: ['identity.user.too_many_requests'] });
  });
});

describe('password reset', () => {
  const resets = new Map<string, number>();
  async function requestReset(email: string): Promise<string> {
    await post('/users/password/generate_code', { email }).expect(201, {});
    const n = (resets.get(email) ?? 0) + 1;
    resets.set(email, n);
    const message = await mail.nthMailTo(n, email, /Password reset|Сброс пароля|Восстановление/i);
    return linkIn(message, 'reset_token').searchParams.get('reset_token')!;
  }

  it('a reset link sets a new password, logs the user out everywhere and mails a notice', async () => {
    const user = await createUser(t, { email: uniqueEmail('reset') });
    const cookie = sessionCookie(await post('/sessions', { email: user.email, password: user.password }).expect(201))!;
    const token = await requestReset(user.email);
    const newPassword = 'Brand-New-Secret-42';
    await post('/users/password/confirm_code', {
      reset_password_token: token,
      password: newPassword,
      confirm_password: newPassword,
    }).expect(201);
    await request(t.app).delete(`${API}/sessions`).set('Cookie', cookie).expect(404);
    await post('/sessions', { email: user.email, password: user.password }).expect(401);
    await post('/sessions', { email: user.email, password: newPassword }).expect(201);
    const actions = (await t.db.knex('activities').where({ user_id: user.id, topic: 'password' })).map((a) => [
      a.action,
      a.result,
    ]);
    expect(actions).toEqual([
      ['request password reset', 'succeed'],
      ['password reset', 'succeed'],
    ]);
    await mail.mailTo(user.email, /changed|изменён/i);
  });

  it('only the latest link works, and only once', async () => {
    const user = await createUser(t, { email: uniqueEmail('latest') });
    const older = await requestReset(user.email);
    const newer = await requestReset(user.email);
    const body = (token: string) => ({
      reset_password_token: token,
      password: 'Another-Secret-77',
      confirm_password: 'Another-Secret-77',
    });
    expect((await post('/users/password/confirm_code', body(older)).expect(422)).body).toEqual({
      errors: ['identity.user.utilized_token'],
    });
    await post('/users/password/confirm_code', body(newer)).expect(201);
    expect((await post('/users/password/confirm_code', body(newer)).expect(422)).body).toEqual({
      errors: ['identity.user.utilized_token'],
    });
  });

  it('a reset link expires BARONG_JWT_EXPIRE_TIME after it was issued: jwt.decode_and_verify.expired', async () => {
    const user = await createUser(t, { email: uniqueEmail('expiry') });
    const token = await requestReset(user.email);
    const { iat, exp } = decodeJwt(token);
    expect(exp! - iat!).toBe(120);
    const password = 'Another-Secret-77';
    const confirm = () =>
      post('/users/password/confirm_code', { reset_password_token: token, password, confirm_password: password });
    // Only Date is faked: the app reads the clock, the test waits for nothing.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(exp! * 1000);
      expect((await confirm().expect(422)).body).toEqual({ errors: ['jwt.decode_and_verify.expired'] });
      await post('/sessions', { email: user.email, password: user.password }).expect(201);
      vi.setSystemTime((exp! - 1) * 1000);
      await confirm().expect(201);
    } finally {
      vi.useRealTimers();
    }
    await post('/sessions', { email: user.email, password }).expect(201);
  });

  it('a reset token is never accepted as a confirmation token', async () => {
    const email = uniqueEmail('swap-back');
    await signUpAndGetLink(email);
    const token = await requestReset(email);
    const res = await post('/users/email/confirm_code', { token }).expect(422);
    expect(res.body).toEqual({ errors: ['jwt.decode_and_verify.reset'] });
    expect(sessionCookie(res)).toBeUndefined();
    expect(await t.services.uow.repos.users.findByEmail(email)).toMatchObject({ state: 'pending', level: 0 });
  });

  it('a confirmation token is never accepted as a reset token', async () => {
    const token = (await signUpAndGetLink(uniqueEmail('swap'))).searchParams.get('confirmation_token')!;
    const res = await post('/users/password/confirm_code', {
      reset_password_token: token,
      password: 'Another-Secret-77',
      confirm_password: 'Another-Secret-77',
    }).expect(422);
    expect(res.body).toEqual({ errors: ['jwt.decode_and_verify.confirmation'] });
  });

  it('checks the passwords: mismatch, weak', async () => {
    const user = await createUser(t, { email: uniqueEmail('weak') });
    const token = await requestReset(user.email);
    expect(
      (
        await post('/users/password/confirm_code', {
          reset_password_token: token,
          password: 'Password1',
          confirm_password: 'Password2',
        }).expect(422)
      ).body,
    ).toEqual({
      errors: ['identity.user.passwords_doesnt_match'],
    });
    expect(
      (
        await post('/users/password/confirm_code', {
          reset_password_token: token,
          password: 'Password1',
          confirm_password: 'Password1',
        }).expect(422)
      ).body,
    ).toEqual({
      errors: ['password.weak'],
    });
  });

  it('an unknown e-mail gets the same 201 and no mail', async () => {
    const before = mail.smtp.inbox.length;
    await post('/users/password/generate_code', { email: uniqueEmail('nobody') }).expect(201, {});
    await new Promise((r) => setTimeout(r, 300));
    expect(mail.smtp.inbox.length).toBe(before);
  });

  it('missing parameters are 400 with Barong keys', async () => {
    const res = await post('/users/password/confirm_code', {}).expect(400);
    expect(res.body.errors).toEqual([
      'identity.user.missing_reset_password_token',
      'identity.user.empty_reset_password_token',
      'identity.user.missing_password',
      'identity.user.empty_password',
      'identity.user.missing_confirm_password',
      'identity.user.empty_confirm_password',
    ]);
  });
});

describe('login notice', () => {
  it('a login mails a new-login notice with the IP and user agent', async () => {
    const user = await createUser(t, { email: uniqueEmail('notice') });
    await post('/sessions', { email: user.email, password: user.password }).expect(201);
    const message = await mail.mailTo(user.email, /login|вход/i);
    expect(message.text).toContain('vitest-browser/1.0');
  });
});
