/**
 * One user's journey through everything the server keeps in Redis, for the tests that run the app on another Redis
 * topology (a Redis Cluster, a Sentinel-managed master): sign-up and its mail through the worker's Bull queue, the
 * confirmation token, login, the gateway with a session (its one-script lookup) and with an API key (its records,
 * the nonce, the invalidation when the key changes), ending every session (SCAN), and the login lockout.
 */
import { expect, it } from 'vitest';
import request from 'supertest';
import { generateSecret } from 'otplib';
import { hmacHex } from '../../src/domain/api-keys/api-key-secrets.js';
import { userClaims } from '../../src/domain/tokens/session-jwt.js';
import type { TestApp } from './app.js';
import { BROWSER, login, RESOURCE } from './account-client.js';
import { activeUser, freshCode, sessionCookie, STRONG_PASSWORD, uniqueEmail } from './factories.js';
import { linkIn, type MailHarness } from './mail.js';

const IDENTITY = '/api/v2/barong/identity';
const GATEWAY = '/api/v2/barong/auth/api/v2/peatio/account/balances';
/** BARONG_LOGIN_MAX_ATTEMPTS for the app the journey runs on. */
export const JOURNEY_LOGIN_ATTEMPTS = 3;

const bearerOf = (res: { headers: Record<string, string> }) => /^Bearer \S+$/.test(res.headers.authorization ?? '');

let lastNonce = 0;
const freshNonce = () => String((lastNonce = Math.max(Date.now(), lastNonce + 1)));

export function redisJourney(get: () => { t: TestApp; mail: MailHarness }): void {
  const gateway = (cookie: string) =>
    request(get().t.app).get(GATEWAY).set('User-Agent', BROWSER).set('Cookie', cookie);

  it('signs up, mails the confirmation through the queue, confirms once, logs in', async () => {
    const { t, mail } = get();
    await activeUser(t); // so the sign-up is not the first one, which makes an active superadmin and mails nothing
    const email = uniqueEmail('topology');
    await request(t.app)
      .post(`${IDENTITY}/users`)
      .set('User-Agent', BROWSER)
      .send({ email, password: STRONG_PASSWORD })
      .expect(201);
    const token = linkIn(await mail.mailTo(email, /Registration/), 'confirmation_token').searchParams.get(
      'confirmation_token',
    )!;
    const confirmed = await request(t.app).post(`${IDENTITY}/users/email/confirm_code`).send({ token }).expect(201);
    expect(confirmed.body).toMatchObject({ email, state: 'active', level: 1 });
    expect(sessionCookie(confirmed)).toBeDefined();
    await request(t.app).post(`${IDENTITY}/users/email/confirm_code`).send({ token }).expect(422);
    await login(t, { email, password: STRONG_PASSWORD });
  });

  it('the gateway passes a session, and refuses it after logout', async () => {
    const { t } = get();
    const user = await activeUser(t);
    const s = await login(t, user);
    expect(bearerOf(await gateway(s.cookie).expect(200))).toBe(true);
    await request(t.app).delete(`${IDENTITY}/sessions`).set('Cookie', s.cookie).set('User-Agent', BROWSER).expect(204);
    await gateway(s.cookie).expect(401);
  });

  it('the gateway passes an API key once per nonce, and follows the key being disabled', async () => {
    const { t } = get();
    const otpSecret = generateSecret();
    const user = await activeUser(t, { otpSecret });
    const auth = `Bearer ${await t.services.sessionJwt.sign(userClaims(user))}`;
    const created = await request(t.app)
      .post(`${RESOURCE}/api_keys`)
      .set('Authorization', auth)
      .send({ algorithm: 'HS256', totp_code: await freshCode(t, user, otpSecret) })
      .expect(201);
    const { kid, secret } = created.body as { kid: string; secret: string };
    const signed = (nonce: string) =>
      request(t.app)
        .get(GATEWAY)
        .set('X-Auth-Apikey', kid)
        .set('X-Auth-Nonce', nonce)
        .set('X-Auth-Signature', hmacHex('HS256', secret, nonce + kid));
    const nonce = freshNonce();
    expect(bearerOf(await signed(nonce).expect(200))).toBe(true);
    await signed(nonce).expect(401, { errors: ['authz.nonce_reused'] });

    await request(t.app)
      .patch(`${RESOURCE}/api_keys/${kid}`)
      .set('Authorization', auth)
      .send({ state: 'inactive', totp_code: await freshCode(t, user, otpSecret) })
      .expect(200);
    await signed(freshNonce()).expect(401, { errors: ['authz.apikey_not_active'] });
  });

  it("ends every user's sessions at once (a blocklogin restriction's SCAN)", async () => {
    const { t } = get();
    const sessions = [await login(t, await activeUser(t)), await login(t, await activeUser(t))];
    for (const s of sessions) await gateway(s.cookie).expect(200);
    expect(await t.services.sessions.destroyAll()).toBeGreaterThanOrEqual(sessions.length);
    for (const s of sessions) await gateway(s.cookie).expect(401);
  });

  it('locks an account after its failed logins, the right password included', async () => {
    const { t } = get();
    const user = await activeUser(t);
    const attempt = (password: string) =>
      request(t.app).post(`${IDENTITY}/sessions`).set('User-Agent', BROWSER).send({ email: user.email, password });
    for (let i = 0; i < JOURNEY_LOGIN_ATTEMPTS; i++) await attempt('Wrong-Password-1').expect(401);
    await attempt(user.password).expect(429, { errors: ['identity.session.too_many_attempts'] });
  });
}
