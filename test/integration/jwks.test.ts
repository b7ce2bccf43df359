/**
 * The keys behind every token (issue 5, item 3): the JWKS at /identity/.well-known/jwks.json, verified by an
 * independent verifier (jose's createRemoteJWKSet against the running server); rotation (an old key still
 * verifies, the JWKS lists both, new tokens use the new key); ES256 end to end; and each forged or wrong token
 * refused by the resource API with 401 jwt.decode_and_verify.
 */
import { createHmac, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { SignJWT, createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { startTestApp, type TestApp } from '../support/app.js';
import { createUser } from '../support/factories.js';
import { jwtKeysFrom } from '../../src/lib/jwt-keys.js';
import { SessionJwt, userClaims } from '../../src/domain/tokens/session-jwt.js';
import { AccountTokens } from '../../src/domain/tokens/account-tokens.js';
import type { User } from '../../src/db/repositories/users-repository.js';

const JWKS_PATH = '/api/v2/barong/identity/.well-known/jwks.json';
const ME = '/api/v2/barong/resource/users/me';
const CONFIRM = '/api/v2/barong/identity/users/email/confirm_code';
const REFUSED = { errors: ['jwt.decode_and_verify'] };

const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const ec = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
const pem = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }).toString();
const publicPem = (key: KeyObject) => createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
const b64 = (s: string) => Buffer.from(s).toString('base64');
const b64url = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/** The running app on a loopback port, and an independent verifier fed by its JWKS URL. */
async function listen(t: TestApp) {
  const server: Server = await new Promise((resolve) => {
    const s = t.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as { port: number };
  const jwks = createRemoteJWKSet(new URL(`http://127.0.0.1:${port}${JWKS_PATH}`));
  const verify = (token: string) =>
    jwtVerify(token, jwks, { issuer: 'barong', audience: 'barong', subject: 'session' });
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { verify, close };
}

const me = (t: TestApp, token: string) => request(t.app).get(ME).set('Authorization', `Bearer ${token}`);
const kidOf = async (key: KeyObject) => (await jwtKeysFrom(key)).kid;

describe('RS256 with a previous and a next key (rotation)', () => {
  const signing = rsa();
  const previous = rsa();
  const next = ec();
  let t: TestApp;
  let remote: Awaited<ReturnType<typeof listen>>;
  let user: User;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'barong-jwks-'));
    writeFileSync(path.join(dir, '1-previous.pem'), pem(previous)); // a private key: only its public half is used
    writeFileSync(path.join(dir, '2-next.pem'), publicPem(next));
    t = await startTestApp({ JWT_PRIVATE_KEY: b64(pem(signing)), BARONG_JWT_PUBLIC_KEYS_PATH: dir });
    remote = await listen(t);
    user = await createUser(t);
  });
  afterAll(async () => {
    await remote?.close();
    await t?.close();
  });

  it('publishes every key, the signing key first, public members only, cacheable', async () => {
    const res = await request(t.app).get(JWKS_PATH).expect(200).expect('Content-Type', /json/);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    const [signingKid, previousKid, nextKid] = await Promise.all([signing, previous, next].map(kidOf));
    expect(res.body).toEqual({
      keys: [
        { kty: 'RSA', kid: signingKid, alg: 'RS256', use: 'sig', n: expect.any(String), e: 'AQAB' },
        { kty: 'RSA', kid: previousKid, alg: 'RS256', use: 'sig', n: expect.any(String), e: 'AQAB' },
        {
          kty: 'EC',
          kid: nextKid,
          alg: 'ES256',
          use: 'sig',
          crv: 'P-256',
          x: expect.any(String),
          y: expect.any(String),
        },
      ],
    });
  });

  it('a new session JWT is signed by the signing key, names it in kid, and verifies against the JWKS URL', async () => {
    const token = await t.services.sessionJwt.sign(userClaims(user));
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', kid: await kidOf(signing), typ: 'JWT' });
    const { payload } = await remote.verify(token);
    expect(payload).toMatchObject({ uid: user.uid, email: user.email, iss: 'barong', aud: ['peatio', 'barong'] });
    expect((await me(t, token).expect(200)).body).toMatchObject({ uid: user.uid });
  });

  it('a token signed by the previous key still verifies: JWKS, the session verifier and the resource API', async () => {
    const old = await new SessionJwt(await jwtKeysFrom(previous), 3600).sign(userClaims(user));
    expect(decodeProtectedHeader(old).kid).toBe(await kidOf(previous));
    expect((await remote.verify(old)).payload.uid).toBe(user.uid);
    expect(await t.services.sessionJwt.verify(old)).toMatchObject({ uid: user.uid });
    expect((await me(t, old).expect(200)).body).toMatchObject({ uid: user.uid });
  });

  it('a confirmation mail token signed by the previous key still confirms', async () => {
    const pending = await createUser(t, { state: 'pending', level: 0 });
    const oldTokens = new AccountTokens(await jwtKeysFrom(previous), t.services.redis, t.services.redisKeys, 3600);
    const token = await oldTokens.issue('confirmation', { email: pending.email, uid: pending.uid });
    await request(t.app).post(CONFIRM).send({ token }).expect(201);
  });

  it('a token of a key that is not configured is refused everywhere', async () => {
    const stranger = await new SessionJwt(await jwtKeysFrom(rsa()), 3600).sign(userClaims(user));
    await expect(remote.verify(stranger)).rejects.toThrow();
    expect(await t.services.sessionJwt.verify(stranger)).toBeUndefined();
    expect((await me(t, stranger).expect(401)).body).toEqual(REFUSED);
    const mailToken = await new AccountTokens(
      await jwtKeysFrom(rsa()),
      t.services.redis,
      t.services.redisKeys,
      3600,
    ).issue('confirmation', { email: user.email, uid: user.uid });
    const res = await request(t.app).post(CONFIRM).send({ token: mailToken }).expect(422);
    expect(res.body).toEqual({ errors: ['jwt.decode_and_verify.raised'] });
  });
});

describe('once the previous key is dropped from the list', () => {
  it('its tokens are refused', async () => {
    const previous = rsa();
    const t = await startTestApp({ JWT_PRIVATE_KEY: b64(pem(rsa())) });
    try {
      const user = await createUser(t);
      const old = await new SessionJwt(await jwtKeysFrom(previous), 3600).sign(userClaims(user));
      expect((await me(t, old).expect(401)).body).toEqual(REFUSED);
      expect((await request(t.app).get(JWKS_PATH).expect(200)).body.keys).toHaveLength(1);
    } finally {
      await t.close();
    }
  });
});

describe('ES256', () => {
  const signing = ec();
  let t: TestApp;
  let remote: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    t = await startTestApp({ BARONG_JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY: b64(pem(signing)) });
    remote = await listen(t);
  });
  afterAll(async () => {
    await remote?.close();
    await t?.close();
  });

  it('publishes the EC key, signs ES256 with its kid, and the token works end to end', async () => {
    const kid = await kidOf(signing);
    const { body } = await request(t.app).get(JWKS_PATH).expect(200);
    expect(body).toEqual({
      keys: [{ kty: 'EC', kid, alg: 'ES256', use: 'sig', crv: 'P-256', x: expect.any(String), y: expect.any(String) }],
    });
    const user = await createUser(t);
    const token = await t.services.sessionJwt.sign(userClaims(user));
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid, typ: 'JWT' });
    expect((await remote.verify(token)).payload.uid).toBe(user.uid);
    expect((await me(t, token).expect(200)).body).toMatchObject({ uid: user.uid });
  });

  it('refuses an RS256 token, even one claiming the EC key id', async () => {
    const user = await createUser(t);
    const rsaKey = rsa();
    const forged = await new SignJWT({ ...userClaims(user) })
      .setProtectedHeader({ alg: 'RS256', kid: await kidOf(signing), typ: 'JWT' })
      .setSubject('session')
      .setIssuer('barong')
      .setAudience(['peatio', 'barong'])
      .setJti('b'.repeat(20))
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(rsaKey);
    expect((await me(t, forged).expect(401)).body).toEqual(REFUSED);
    expect(await t.services.sessionJwt.verify(forged)).toBeUndefined();
  });
});

describe('the resource API refuses each bad token with 401 jwt.decode_and_verify', () => {
  let t: TestApp;
  let user: User;

  beforeAll(async () => {
    t = await startTestApp();
    user = await createUser(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Barong's claims for the user, with `edit` applied, signed by our own key and kid unless the header says otherwise. */
  const claims = (edit: Record<string, unknown> = {}) => ({
    ...userClaims(user),
    sub: 'session',
    iss: 'barong',
    aud: ['peatio', 'barong'],
    jti: 'c'.repeat(20),
    iat: now(),
    exp: now() + 600,
    ...edit,
  });
  const signed = (edit: Record<string, unknown> = {}, header: Record<string, unknown> = {}) =>
    new SignJWT(claims(edit))
      .setProtectedHeader({ alg: t.services.jwtKeys.alg, kid: t.services.jwtKeys.kid, typ: 'JWT', ...header })
      .sign(t.services.jwtKeys.privateKey);
  const refused = async (token: string) => {
    expect((await me(t, token).expect(401)).body).toEqual(REFUSED);
    expect(await t.services.sessionJwt.verify(token)).toBeUndefined();
  };

  it('the control: a well-formed token of ours is accepted', async () => {
    await me(t, await signed()).expect(200);
  });

  it('alg none', async () => {
    await refused(`${b64url({ alg: 'none', kid: t.services.jwtKeys.kid, typ: 'JWT' })}.${b64url(claims())}.`);
  });

  it('HS256 signed with the RSA public key as the HMAC secret', async () => {
    const secret = t.services.jwtKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const input = `${b64url({ alg: 'HS256', kid: t.services.jwtKeys.kid, typ: 'JWT' })}.${b64url(claims())}`;
    await refused(`${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`);
  });

  it('wrong audience or issuer', async () => {
    await refused(await signed({ aud: ['peatio', 'applogic'] }));
    await refused(await signed({ aud: 'applogic' }));
    await refused(await signed({ iss: 'applogic' }));
  });

  it('expired, and not yet valid', async () => {
    await refused(await signed({ iat: now() - 7200, exp: now() - 3600 }));
    await refused(await signed({ nbf: now() + 3600 }));
  });

  it('unknown or missing kid', async () => {
    await refused(await signed({}, { kid: 'not-a-configured-key' }));
    const noKid = new SignJWT(claims()).setProtectedHeader({ alg: 'RS256', typ: 'JWT' });
    await refused(await noKid.sign(t.services.jwtKeys.privateKey));
  });
});
