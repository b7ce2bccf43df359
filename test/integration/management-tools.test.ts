/** Management API: otp/sign, the user's TOTP code checked under the resource API's budget, then this server's signature. */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { GeneralSign, flattenedVerify, importJWK, type JWK } from 'jose';
import { generateSecret } from 'otplib';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { activeUser, createUser, freshCode, totpCode } from '../support/factories.js';
import { callManagement, managementKeys } from '../support/management-client.js';

const keys = managementKeys();
const JWKS = '/api/v2/barong/identity/.well-known/jwks.json';
const MAX_ATTEMPTS = 3;

/** applogic's withdrawal, signed by applogic alone: what it asks this server to co-sign. */
async function withdrawal() {
  const payload = {
    iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(Date.now() / 1000) + 60,
    jti: randomUUID(),
    data: { amount: '1 BTC' },
  };
  const applogic = keys.signers.applogic!;
  return new GeneralSign(new TextEncoder().encode(JSON.stringify(payload)))
    .addSignature(applogic.privateKey)
    .setProtectedHeader({ alg: 'RS256' })
    .setUnprotectedHeader({ kid: 'applogic' })
    .sign();
}

type Jws = { payload: string; signatures: { protected: string; header: { kid: string }; signature: string }[] };

/** Whether the `barong` signature of `jws` verifies with the first key the JWKS publishes. */
async function verifiesWithJwks(t: TestApp, jws: Jws): Promise<boolean> {
  const jwk: JWK = (await request(t.app).get(JWKS).expect(200)).body.keys[0];
  const ours = jws.signatures.filter((s) => s.header.kid === 'barong');
  expect(ours).toHaveLength(1);
  const { payload } = await flattenedVerify({ ...ours[0]!, payload: jws.payload }, await importJWK(jwk), {
    algorithms: [jwk.alg!],
  });
  return Buffer.from(payload).toString('base64url') === jws.payload;
}

describe('otp/sign', () => {
  let t: TestApp;
  const sign = (data: unknown, signers?: string[]) => callManagement(t.app, keys, '/otp/sign', data, signers);
  const twoFactorUser = async () => {
    const secret = generateSecret();
    return { user: await activeUser(t, { otpSecret: secret }), secret };
  };

  beforeAll(async () => {
    t = await startTestApp({ BARONG_MANAGEMENT_API_CONFIG: keys.file, BARONG_OTP_MAX_ATTEMPTS: String(MAX_ATTEMPTS) });
  });
  afterAll(() => t?.close());

  it('adds its signature to the JWS for a right code; it verifies with the JWKS key, and applogic’s stays', async () => {
    const { user, secret } = await twoFactorUser();
    const jwt = await withdrawal();
    const res = await sign({ user_uid: user.uid, otp_code: await totpCode(secret), jwt });
    expect(res.status).toBe(201);
    expect(res.body.payload).toBe(jwt.payload);
    expect(res.body.signatures).toEqual([
      jwt.signatures[0],
      { protected: expect.any(String), header: { kid: 'barong' }, signature: expect.any(String) },
    ]);
    expect(JSON.parse(Buffer.from(res.body.signatures[1].protected, 'base64url').toString())).toEqual({ alg: 'RS256' });
    expect(await verifiesWithJwks(t, res.body)).toBe(true);
    await flattenedVerify({ ...jwt.signatures[0]!, payload: jwt.payload }, keys.signers.applogic!.publicKey);
  });

  it('replaces an earlier barong signature rather than adding a second one', async () => {
    const { user, secret } = await twoFactorUser();
    const first = (
      await sign({ user_uid: user.uid, otp_code: await freshCode(t, user, secret), jwt: await withdrawal() })
    ).body;
    const again = await sign({ user_uid: user.uid, otp_code: await freshCode(t, user, secret), jwt: first });
    expect(again.status).toBe(201);
    expect(again.body.signatures.map((s: { header: { kid: string } }) => s.header.kid)).toEqual(['applogic', 'barong']);
    expect(await verifiesWithJwks(t, again.body)).toBe(true);
  });

  it('refuses a wrong code and a code already used, and adds nothing', async () => {
    const { user, secret } = await twoFactorUser();
    const jwt = await withdrawal();
    const wrong = await sign({ user_uid: user.uid, otp_code: await totpCode(secret, -10), jwt });
    expect([wrong.status, wrong.body]).toEqual([422, { error: 'OTP code is invalid' }]);
    const code = await totpCode(secret);
    expect((await sign({ user_uid: user.uid, otp_code: code, jwt })).status).toBe(201);
    const reused = await sign({ user_uid: user.uid, otp_code: code, jwt });
    expect([reused.status, reused.body]).toEqual([422, { error: 'OTP code is invalid' }]);
  });

  it("spends the user's 2FA attempt budget: past it 429 with Retry-After, even for a right code", async () => {
    const { user, secret } = await twoFactorUser();
    const jwt = await withdrawal();
    for (let i = 0; i < MAX_ATTEMPTS; i++)
      expect((await sign({ user_uid: user.uid, otp_code: '000000', jwt })).status).toBe(422);
    const res = await sign({ user_uid: user.uid, otp_code: await freshCode(t, user, secret), jwt });
    expect([res.status, res.body]).toEqual([429, { error: 'Too many OTP attempts' }]);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('answers 404 for an unknown or inactive user and 422 without 2FA, before any code is spent', async () => {
    const jwt = await withdrawal();
    const banned = await createUser(t, { state: 'banned', otpSecret: generateSecret() });
    for (const uid of ['ID0000000000', banned.uid]) {
      const res = await sign({ user_uid: uid, otp_code: '123456', jwt });
      expect([res.status, res.body]).toEqual([404, { error: 'Record is not found' }]);
    }
    const plain = await activeUser(t);
    const res = await sign({ user_uid: plain.uid, otp_code: '123456', jwt });
    expect([res.status, res.body]).toEqual([422, { error: 'Account has not enabled 2FA' }]);
  });

  it('refuses a jwt it cannot co-sign, and the parameters as Grape does', async () => {
    const { user, secret } = await twoFactorUser();
    const notJson = { payload: Buffer.from('not json').toString('base64url'), signatures: [] };
    const res = await sign({ user_uid: user.uid, otp_code: await freshCode(t, user, secret), jwt: notJson });
    expect([res.status, res.body]).toEqual([
      422,
      { error: 'JWT is invalid by the reason "payload is not base64url-encoded JSON"' },
    ]);
    const noPayload = await sign({
      user_uid: user.uid,
      otp_code: await freshCode(t, user, secret),
      jwt: { signatures: [] },
    });
    expect(noPayload.body).toEqual({ error: 'JWT is invalid by the reason "payload is not base64url"' });
    expect((await sign({ user_uid: user.uid, otp_code: '123456', jwt: 'eyJ9' })).body).toEqual({
      error: 'jwt is invalid',
    });
    expect((await sign({})).body).toEqual({
      error: 'user_uid is missing, user_uid is empty, otp_code is missing, otp_code is empty, jwt is missing',
    });
  });

  it('refuses a request without the mandatory signer', async () => {
    const res = await sign({ user_uid: 'ID0000000000', otp_code: '123456', jwt: await withdrawal() }, ['peatio']);
    expect([res.status, res.body]).toEqual([401, { error: 'Not enough signatures for the action.' }]);
  });
});

describe('otp/sign with an EC signing key', () => {
  let t: TestApp;
  beforeAll(async () => {
    const pem = String(
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
    );
    t = await startTestApp({
      BARONG_MANAGEMENT_API_CONFIG: keys.file,
      BARONG_JWT_ALGORITHM: 'ES256',
      JWT_PRIVATE_KEY: Buffer.from(pem).toString('base64'),
    });
  });
  afterAll(() => t?.close());

  it('signs ES256, and the signature verifies with the JWKS key', async () => {
    const secret = generateSecret();
    const user = await activeUser(t, { otpSecret: secret });
    const res = await callManagement(t.app, keys, '/otp/sign', {
      user_uid: user.uid,
      otp_code: await totpCode(secret),
      jwt: await withdrawal(),
    });
    expect(res.status).toBe(201);
    expect(JSON.parse(Buffer.from(res.body.signatures[1].protected, 'base64url').toString())).toEqual({ alg: 'ES256' });
    expect(await verifiesWithJwks(t, res.body)).toBe(true);
  });
});
