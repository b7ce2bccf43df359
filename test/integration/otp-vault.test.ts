/**
 * 2FA of users imported from Barong (issue 13 item 4): their TOTP keys stay in Vault, which never gives them back,
 * so until they re-enrol their codes are checked by Vault's TOTP API (a local stand-in speaking Vault's wire
 * format), through the same OtpCodes path as every code: one attempt budget, each code accepted once. Without
 * Vault they are told to re-enrol through support; with Vault down their codes are refused, never accepted.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { generateSecret } from 'otplib';
import { startTestApp, type TestApp } from '../support/app.js';
import { activeUser, totpCode } from '../support/factories.js';
import { bearer, BROWSER, RESOURCE } from '../support/account-client.js';
import { createAdmin } from '../support/admin-client.js';
import { startVaultTotpStandIn, type VaultTotpStandIn } from '../support/vault-totp-stand-in.js';
import { hmacHex } from '../../src/domain/api-keys/api-key-secrets.js';
import type { User } from '../../src/db/repositories/users-repository.js';

const LOGIN = '/api/v2/barong/identity/sessions';
let vault: VaultTotpStandIn;
/** With Vault configured. */
let t: TestApp;
/** Without Vault. */
let bare: TestApp;

beforeAll(async () => {
  vault = await startVaultTotpStandIn();
  const limits = { BARONG_OTP_MAX_ATTEMPTS: '3', BARONG_LOGIN_MAX_ATTEMPTS: '50' };
  [t, bare] = await Promise.all([
    startTestApp({
      ...limits,
      BARONG_VAULT_ADDRESS: vault.url,
      BARONG_VAULT_TOKEN: vault.token,
      BARONG_VAULT_TIMEOUT: '500',
    }),
    startTestApp(limits),
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all([t?.close(), bare?.close()]);
  await vault?.close();
});
beforeEach(() => {
  vault.mode = 'up';
  vault.refusesReuse = true;
});

type Imported = User & { password: string; vaultSecret: string };

/** A user as the importer leaves a Barong user with 2FA on: otp on, the Vault key's name, no local secret. */
async function importedUser(app: TestApp): Promise<Imported> {
  const user = await activeUser(app);
  const vaultSecret = generateSecret();
  const keyName = `barong_${user.uid}`;
  await vault.createKey(keyName, vaultSecret);
  await app.services.uow.repos.users.update(user.id, { otp: true, otpVaultKey: keyName });
  await app.services.uow.run((w) => app.services.privateLabels.set(w, user, 'otp', 'enabled'));
  return { ...(await app.services.uow.repos.users.findById(user.id))!, password: user.password, vaultSecret };
}

const login = (app: TestApp, user: Imported, otpCode?: string) =>
  request(app.app)
    .post(LOGIN)
    .set('User-Agent', BROWSER)
    .type('form')
    .send({ email: user.email, password: user.password, ...(otpCode === undefined ? {} : { otp_code: otpCode }) });

const resource = async (app: TestApp, user: User, path: string, body: Record<string, unknown>) =>
  request(app.app)
    .post(RESOURCE + path)
    .set('Authorization', `Bearer ${await bearer(app, user)}`)
    .set('User-Agent', BROWSER)
    .send(body);

const stored = async (app: TestApp, user: User) => (await app.services.uow.repos.users.findById(user.id))!;
/** A code of the secret that is not the current one (nor within the ±1 window). */
const wrongCode = async (secret: string) => totpCode(secret, 5);

describe('with Vault configured', () => {
  it('logs an imported user in with a code Vault accepts; the same code again is refused', async () => {
    const user = await importedUser(t);
    expect((await login(t, user).expect(401)).body).toEqual({ errors: ['identity.session.missing_otp'] });
    const checks = vault.checks;
    const code = await totpCode(user.vaultSecret);
    expect((await login(t, user, code).expect(201)).body).toMatchObject({ uid: user.uid, otp: true });
    expect(vault.checks).toBe(checks + 1);
    expect((await login(t, user, code).expect(403)).body).toEqual({ errors: ['identity.session.invalid_otp'] });
  });

  it('refuses a replay by our own record even when Vault forgets used codes', async () => {
    vault.refusesReuse = false;
    const user = await importedUser(t);
    const code = await totpCode(user.vaultSecret);
    await login(t, user, code).expect(201);
    await login(t, user, code).expect(403, { errors: ['identity.session.invalid_otp'] });
    expect((await resource(t, user, '/otp/verify', { code })).body).toEqual({ errors: ['resource.otp.invalid'] });
  });

  it('counts wrong codes against the one per-user budget, login and resource API alike', async () => {
    const user = await importedUser(t);
    await login(t, user, await wrongCode(user.vaultSecret)).expect(403, { errors: ['identity.session.invalid_otp'] });
    const wrong = await resource(t, user, '/otp/verify', { code: await wrongCode(user.vaultSecret) });
    expect([wrong.status, wrong.body]).toEqual([422, { errors: ['resource.otp.invalid'] }]);
    await login(t, user, '12345x').expect(403);
    // The budget (3) is spent: even the right code is refused now, before Vault is asked.
    const checks = vault.checks;
    const res = await login(t, user, await totpCode(user.vaultSecret)).expect(429);
    expect(res.body).toEqual({ errors: ['identity.session.too_many_attempts'] });
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(vault.checks).toBe(checks);
  });

  it('takes Vault codes for API-key changes, and the gateway accepts the key', async () => {
    const user = await importedUser(t);
    const bad = await resource(t, user, '/api_keys', {
      algorithm: 'HS256',
      totp_code: await wrongCode(user.vaultSecret),
    });
    expect([bad.status, bad.body]).toEqual([422, { errors: ['resource.api_key.invalid_totp'] }]);
    const created = await resource(t, user, '/api_keys', {
      algorithm: 'HS256',
      totp_code: await totpCode(user.vaultSecret),
    });
    expect(created.status).toBe(201);
    const { kid, secret } = created.body as { kid: string; secret: string };
    const nonce = String(Date.now());
    await request(t.app)
      .get('/api/v2/barong/auth/api/v2/peatio/account/balances')
      .set('X-Auth-Apikey', kid)
      .set('X-Auth-Nonce', nonce)
      .set('X-Auth-Signature', hmacHex('HS256', secret, nonce + kid))
      .expect(200);
  });

  it('re-enrols: a new local secret, enabled with its own code, takes over from Vault', async () => {
    const user = await importedUser(t);
    // The old authenticator first: without a Vault code verified, a stolen session cannot swap the user's 2FA.
    expect((await resource(t, user, '/otp/generate_qrcode', {})).body).toEqual({
      errors: ['resource.otp.verify_first'],
    });
    expect((await resource(t, user, '/otp/verify', { code: await totpCode(user.vaultSecret, -1) })).status).toBe(200);
    const qr = await resource(t, user, '/otp/generate_qrcode', {});
    expect(qr.status).toBe(200);
    const localSecret = new URL(qr.body.data.url as string).searchParams.get('secret')!;
    // Until enabled, Vault still checks the codes; a Vault code does not enable the new secret.
    const vaultCode = await totpCode(user.vaultSecret);
    expect((await resource(t, user, '/otp/enable', { code: vaultCode })).status).toBe(422);
    await login(t, user, vaultCode).expect(201); // the failed enable never asked Vault
    expect((await resource(t, user, '/otp/enable', { code: await totpCode(localSecret) })).status).toBe(200);
    const after = await stored(t, user);
    expect(after).toMatchObject({ otp: true, otpVaultKey: null });
    const enabled = await t.db
      .knex('activities')
      .where({ user_id: user.id, topic: 'otp', action: 'enable 2FA', result: 'succeed' });
    expect(enabled).toHaveLength(1);
    // From now on local codes, and Vault is not asked.
    const checks = vault.checks;
    await login(t, user, await totpCode(user.vaultSecret, 1)).expect(403);
    await login(t, user, await totpCode(localSecret, 1)).expect(201);
    expect(vault.checks).toBe(checks);
    expect((await resource(t, user, '/otp/generate_qrcode', {})).body).toEqual({
      errors: ['resource.otp.already_enabled'],
    });
  });

  it("an admin's `otp` off clears the Vault key name", async () => {
    const user = await importedUser(t);
    const admin = await createAdmin(t);
    await admin.call('put', '/users').type('form').send({ uid: user.uid, otp: 'false' }).expect(200);
    expect(await stored(t, user)).toMatchObject({ otp: false, otpVaultKey: null });
    await login(t, user).expect(201);
  });

  it('refuses codes, right ones included, while Vault is down or silent (503)', async () => {
    const user = await importedUser(t);
    const code = await totpCode(user.vaultSecret);
    vault.mode = 'down';
    expect((await login(t, user, code).expect(503)).body).toEqual({ errors: ['identity.session.otp_unavailable'] });
    const verify = await resource(t, user, '/otp/verify', { code });
    expect([verify.status, verify.body]).toEqual([503, { errors: ['resource.otp.vault_unavailable'] }]);
    vault.mode = 'hang';
    await login(t, user, code).expect(503);
    // A refusal for lack of an answer does not spend the code: once Vault answers, it is taken.
    vault.mode = 'up';
    await freshBudget(t, user);
    await login(t, user, code).expect(201);
  });

  it('refuses (503, never accepts) when Vault does not know the key or refuses our token', async () => {
    const user = await importedUser(t);
    await t.services.uow.repos.users.update(user.id, { otpVaultKey: 'barong_unknown' });
    await login(t, user, await totpCode(user.vaultSecret)).expect(503);
    const withWrongToken = await startTestApp({ BARONG_VAULT_ADDRESS: vault.url, BARONG_VAULT_TOKEN: 'not-it' });
    try {
      const other = await importedUser(withWrongToken);
      await login(withWrongToken, other, await totpCode(other.vaultSecret)).expect(503, {
        errors: ['identity.session.otp_unavailable'],
      });
    } finally {
      await withWrongToken.close();
    }
  }, 60_000);
});

/** Gives the user a fresh attempt budget (the failed checks above took from it). */
async function freshBudget(app: TestApp, user: User): Promise<void> {
  await app.services.redis.del(app.services.redisKeys.key('rl', 'otp', 'user', user.uid));
}

describe('without Vault', () => {
  it('tells an imported user at login to re-enrol through support, before asking for a code', async () => {
    const user = await importedUser(bare);
    const refusal = { errors: ['identity.session.otp_reenrol_required'] };
    await login(bare, user).expect(403, refusal);
    await login(bare, user, await totpCode(user.vaultSecret)).expect(403, refusal);
    // A wrong password is still just a wrong password.
    await request(bare.app).post(LOGIN).type('form').send({ email: user.email, password: 'nope' }).expect(401);
  });

  it('answers every other code check with resource.otp.reenrol_required; support turns 2FA off', async () => {
    const user = await importedUser(bare);
    const verify = await resource(bare, user, '/otp/verify', { code: await totpCode(user.vaultSecret) });
    expect([verify.status, verify.body]).toEqual([403, { errors: ['resource.otp.reenrol_required'] }]);
    const key = await resource(bare, user, '/api_keys', { algorithm: 'HS256', totp_code: '123456' });
    expect([key.status, key.body]).toEqual([403, { errors: ['resource.otp.reenrol_required'] }]);
    const support = await createAdmin(bare);
    await support.call('put', '/users').type('form').send({ uid: user.uid, otp: 'false' }).expect(200);
    expect(await stored(bare, user)).toMatchObject({ otp: false, otpVaultKey: null });
    await login(bare, user).expect(201);
  });
});
