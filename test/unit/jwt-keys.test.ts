import { createHmac, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SignJWT, calculateJwkThumbprint, decodeProtectedHeader, errors, exportJWK } from 'jose';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/lib/logger.js';
import { algorithmOf, jwtKeysFrom, type JwtKeys } from '../../src/lib/jwt-keys.js';
import { loadJwtKeys, loadPublicKeys, loadSigningKey } from '../../src/lib/signing-key.js';
import { signBarongJwt, verifyBarongJwt } from '../../src/domain/tokens/barong-jwt.js';
import { SessionJwt, type SessionClaims } from '../../src/domain/tokens/session-jwt.js';

const logger = createLogger('silent');
const KEYS = `1:${Buffer.alloc(32, 7).toString('base64')}`;
const dir = () => mkdtempSync(path.join(tmpdir(), 'barong-jwt-keys-'));
const rsa = (bits = 2048) => generateKeyPairSync('rsa', { modulusLength: bits }).privateKey;
const ec = (curve = 'prime256v1') => generateKeyPairSync('ec', { namedCurve: curve }).privateKey;
const privatePem = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }).toString();
const publicPem = (key: KeyObject) =>
  (key.type === 'public' ? key : createPublicKey(key)).export({ type: 'spki', format: 'pem' }).toString();
const b64 = (s: string) => Buffer.from(s).toString('base64');
const b64url = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
const prod = (env: Record<string, string>) =>
  loadConfig({ NODE_ENV: 'production', BARONG_SMTP_HOST: 'smtp.example', BARONG_ENCRYPTION_KEYS: KEYS, ...env });

const CLAIMS: SessionClaims = {
  uid: 'ID0000000001',
  email: 'a@example.com',
  role: 'member',
  level: 1,
  state: 'active',
};
/** A valid payload: the session claims and Barong's standard claims. */
const payloadOf = (claims: Record<string, unknown> = {}) => ({
  ...CLAIMS,
  sub: 'session',
  iss: 'barong',
  aud: ['peatio', 'barong'],
  jti: 'a'.repeat(20),
  iat: now(),
  exp: now() + 60,
  ...claims,
});

/** A token with Barong's claims, each overridable, signed by `key` with the given header. */
function craft(key: KeyObject, header: { alg: string; kid?: string }, claims: Record<string, unknown> = {}) {
  return new SignJWT(payloadOf(claims)).setProtectedHeader({ typ: 'JWT', ...header }).sign(key);
}

describe('jwtKeysFrom', () => {
  it('gives an RSA key RS256 and an EC P-256 key ES256, with the RFC 7638 thumbprint as kid', async () => {
    const r = rsa();
    const keys = await jwtKeysFrom(r);
    expect(keys.alg).toBe('RS256');
    expect(keys.kid).toBe(await calculateJwkThumbprint(await exportJWK(keys.publicKey)));
    expect(keys.verificationKeys.map((k) => k.kid)).toEqual([keys.kid]);
    expect(keys.verificationKeys[0]!.jwk).toEqual({
      kty: 'RSA',
      kid: keys.kid,
      alg: 'RS256',
      use: 'sig',
      n: expect.any(String),
      e: 'AQAB',
    });

    const e = await jwtKeysFrom(ec());
    expect(e.alg).toBe('ES256');
    expect(e.verificationKeys[0]!.jwk).toEqual({
      kty: 'EC',
      kid: e.kid,
      alg: 'ES256',
      use: 'sig',
      crv: 'P-256',
      x: expect.any(String),
      y: expect.any(String),
    });
  });

  it('lists the signing key first, then the others once each, keeping only public halves', async () => {
    const signing = rsa();
    const previous = rsa();
    const next = ec();
    const keys = await jwtKeysFrom(signing, [previous, next, previous, signing]);
    const previousKeys = await jwtKeysFrom(previous);
    const nextKeys = await jwtKeysFrom(next);
    expect(keys.verificationKeys.map((k) => [k.kid, k.alg])).toEqual([
      [keys.kid, 'RS256'],
      [previousKeys.kid, 'RS256'],
      [nextKeys.kid, 'ES256'],
    ]);
    for (const k of keys.verificationKeys) {
      expect(k.publicKey.type).toBe('public');
      expect(Object.keys(k.jwk)).not.toContain('d');
    }
  });

  it('refuses keys that fit no algorithm', () => {
    expect(() => algorithmOf(rsa(1024))).toThrow(/RSA key \(1024 bits\).*2048/);
    expect(() => algorithmOf(ec('secp384r1'))).toThrow(/EC key on secp384r1.*P-256/);
    expect(() => algorithmOf(generateKeyPairSync('ed25519').privateKey)).toThrow(
      /ed25519 key fits no supported algorithm/,
    );
  });
});

describe('loadSigningKey with BARONG_JWT_ALGORITHM', () => {
  it('generates an EC P-256 development key for ES256, at its own default path', () => {
    expect(loadConfig({ BARONG_JWT_ALGORITHM: 'ES256' }).jwt.devKeyPath).toBe('.dev/ec-key.pem');
    expect(loadConfig({}).jwt.devKeyPath).toBe('.dev/rsa-key.pem');
    const devKeyPath = path.join(dir(), 'ec-key.pem');
    const config = loadConfig({ BARONG_JWT_ALGORITHM: 'ES256', BARONG_DEV_KEY_PATH: devKeyPath });
    const key = loadSigningKey(config, logger);
    expect(key.asymmetricKeyType).toBe('ec');
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(statSync(devKeyPath).mode & 0o077).toBe(0);
    expect(loadSigningKey(config, logger).export({ type: 'pkcs8', format: 'pem' })).toBe(
      readFileSync(devKeyPath, 'utf8'),
    );
  });

  it('stops at start when the key does not fit the algorithm, saying which setting and what would fit', () => {
    const file = path.join(dir(), 'rsa.pem');
    writeFileSync(file, privatePem(rsa()));
    expect(() => loadSigningKey(prod({ BARONG_JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY_PATH: file }), logger)).toThrow(
      `JWT_PRIVATE_KEY_PATH (${file}) holds an RSA key (2048 bits), but BARONG_JWT_ALGORITHM is ES256, ` +
        'which needs an EC key on P-256 (prime256v1); set BARONG_JWT_ALGORITHM=RS256 or give a key of the right type',
    );
    expect(() => loadSigningKey(prod({ JWT_PRIVATE_KEY: b64(privatePem(ec())) }), logger)).toThrow(
      /^JWT_PRIVATE_KEY holds an EC key on prime256v1, but BARONG_JWT_ALGORITHM is RS256, which needs an RSA key of 2048 bits/,
    );
    const weak = prod({ JWT_PRIVATE_KEY: b64(privatePem(rsa(1024))) });
    expect(() => loadSigningKey(weak, logger)).toThrow(/^JWT_PRIVATE_KEY: an RSA key \(1024 bits\)/);
    // A development key of the other type is not silently replaced.
    const devKeyPath = path.join(dir(), 'dev.pem');
    writeFileSync(devKeyPath, privatePem(rsa()));
    const dev = loadConfig({ BARONG_JWT_ALGORITHM: 'ES256', BARONG_DEV_KEY_PATH: devKeyPath });
    expect(() => loadSigningKey(dev, logger)).toThrow(/^BARONG_DEV_KEY_PATH .* holds an RSA key/);
  });

  it('says so when the signing key is not a private key', () => {
    const config = prod({ JWT_PRIVATE_KEY: b64(publicPem(rsa())) });
    expect(() => loadSigningKey(config, logger)).toThrow(/^JWT_PRIVATE_KEY: cannot read a base64 PEM private key/);
  });
});

describe('loadPublicKeys (rotation)', () => {
  it('reads every *.pem of a directory, public or private, and ignores other files', async () => {
    const d = dir();
    const previous = rsa();
    const next = ec();
    writeFileSync(path.join(d, 'a-previous.pem'), privatePem(previous));
    writeFileSync(path.join(d, 'b-next.pem'), publicPem(next));
    writeFileSync(path.join(d, 'README'), 'not a key');
    const keys = loadPublicKeys(loadConfig({ BARONG_JWT_PUBLIC_KEYS_PATH: d }));
    expect(keys.map((k) => k.type)).toEqual(['public', 'public']);
    expect(keys.map((k) => publicPem(k))).toEqual([publicPem(previous), publicPem(next)]);
  });

  it('reads a comma list of files and base64 PEMs, and the key set publishes them after the signing key', async () => {
    const d = dir();
    const [one, two, three] = [rsa(), ec(), rsa()];
    writeFileSync(path.join(d, 'one.pem'), publicPem(one));
    writeFileSync(path.join(d, 'two.key'), privatePem(two));
    const signing = rsa();
    const config = prod({
      JWT_PRIVATE_KEY: b64(privatePem(signing)),
      BARONG_JWT_PUBLIC_KEYS_PATH: `${path.join(d, 'one.pem')}, ${path.join(d, 'two.key')}`,
      BARONG_JWT_PUBLIC_KEYS: b64(publicPem(three)),
    });
    const keys = await loadJwtKeys(config, logger);
    const kids = await Promise.all([signing, one, two, three].map(async (k) => (await jwtKeysFrom(k)).kid));
    expect(keys.verificationKeys.map((k) => k.kid)).toEqual(kids);
    expect(keys.verificationKeys.map((k) => k.alg)).toEqual(['RS256', 'RS256', 'ES256', 'RS256']);
  });

  it('stops at start on a file that is missing, not a key, or a key of no supported type', () => {
    const d = dir();
    const junk = path.join(d, 'junk.pem');
    writeFileSync(junk, 'hello');
    const weak = path.join(d, 'weak.pem');
    writeFileSync(weak, publicPem(rsa(1024)));
    expect(() => loadPublicKeys(loadConfig({ BARONG_JWT_PUBLIC_KEYS_PATH: junk }))).toThrow(
      new RegExp(`^BARONG_JWT_PUBLIC_KEYS_PATH \\(${junk}\\): cannot read a PEM public or private key`),
    );
    const load = (env: Record<string, string>) => () => loadPublicKeys(loadConfig(env));
    expect(load({ BARONG_JWT_PUBLIC_KEYS_PATH: path.join(d, 'missing.pem') })).toThrow(/missing\.pem.*ENOENT/);
    expect(load({ BARONG_JWT_PUBLIC_KEYS_PATH: weak })).toThrow(/weak\.pem\): an RSA key \(1024 bits\)/);
    expect(load({ BARONG_JWT_PUBLIC_KEYS: b64('nope') })).toThrow(/^BARONG_JWT_PUBLIC_KEYS \(entry 1\): cannot read/);
  });
});

describe('verifyBarongJwt', () => {
  const setup = async () => {
    const [signing, previous, other, ecKey] = [rsa(), rsa(), rsa(), ec()];
    const keys = await jwtKeysFrom(signing, [previous, ecKey]);
    const kidOf = async (k: KeyObject) => (await jwtKeysFrom(k)).kid;
    const [previousKid, ecKid, otherKid] = await Promise.all([previous, ecKey, other].map(kidOf));
    return { keys, signing, previous, other, ecKey, kid: keys.kid, previousKid, ecKid, otherKid };
  };
  const rejects = async (keys: JwtKeys, token: string, error: new (...args: never[]) => Error) => {
    await expect(verifyBarongJwt(keys, token, 'session')).rejects.toBeInstanceOf(error);
    expect(await new SessionJwt(keys, 60).verify(token)).toBeUndefined();
  };

  it('signs with the signing key, its kid in the header, and verifies tokens of every configured key', async () => {
    const s = await setup();
    const token = await signBarongJwt(s.keys, 'session', { ...CLAIMS }, 60);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', kid: s.kid, typ: 'JWT' });
    expect(await new SessionJwt(s.keys, 60).verify(token)).toMatchObject(CLAIMS);
    const session = new SessionJwt(s.keys, 60);
    expect(await session.verify(await craft(s.previous, { alg: 'RS256', kid: s.previousKid }))).toMatchObject(CLAIMS);
    expect(await session.verify(await craft(s.ecKey, { alg: 'ES256', kid: s.ecKid }))).toMatchObject(CLAIMS);

    const es = await jwtKeysFrom(ec());
    const esToken = await new SessionJwt(es, 60).sign(CLAIMS);
    expect(decodeProtectedHeader(esToken)).toEqual({ alg: 'ES256', kid: es.kid, typ: 'JWT' });
    expect(await new SessionJwt(es, 60).verify(esToken)).toMatchObject(CLAIMS);
  });

  it('rejects alg none', async () => {
    const s = await setup();
    const payload = b64url(payloadOf());
    await rejects(s.keys, `${b64url({ alg: 'none', kid: s.kid, typ: 'JWT' })}.${payload}.`, errors.JOSEAlgNotAllowed);
    await rejects(s.keys, `${b64url({ alg: 'none', typ: 'JWT' })}.${payload}.`, errors.JOSEAlgNotAllowed);
  });

  it('rejects HS256 signed with the public key as the secret (algorithm confusion)', async () => {
    const s = await setup();
    const payload = payloadOf();
    for (const secret of [publicPem(s.signing), JSON.stringify(s.keys.verificationKeys[0]!.jwk)]) {
      const input = `${b64url({ alg: 'HS256', kid: s.kid, typ: 'JWT' })}.${b64url(payload)}`;
      const token = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
      await rejects(s.keys, token, errors.JOSEAlgNotAllowed);
    }
  });

  it("rejects a header alg other than the named key's, even one another configured key allows", async () => {
    const s = await setup();
    // ES256 is allowed (an EC key is configured), but the kid names an RSA key.
    await rejects(s.keys, await craft(s.ecKey, { alg: 'ES256', kid: s.kid }), errors.JOSEAlgNotAllowed);
    await rejects(s.keys, await craft(s.signing, { alg: 'PS256', kid: s.kid }), errors.JOSEAlgNotAllowed);
  });

  it('rejects an unknown or missing kid, and a kid whose key did not sign the token', async () => {
    const s = await setup();
    await rejects(s.keys, await craft(s.other, { alg: 'RS256', kid: s.otherKid }), errors.JWKSNoMatchingKey);
    await rejects(s.keys, await craft(s.signing, { alg: 'RS256' }), errors.JWKSNoMatchingKey);
    await rejects(s.keys, await craft(s.other, { alg: 'RS256', kid: s.kid }), errors.JWSSignatureVerificationFailed);
  });

  it('rejects wrong issuer, audience or subject, expired and not-yet-valid tokens', async () => {
    const s = await setup();
    const signed = (claims: Record<string, unknown>) => craft(s.signing, { alg: 'RS256', kid: s.kid }, claims);
    const claimFails = async (claims: Record<string, unknown>, claim: string) => {
      const token = await signed(claims);
      await rejects(s.keys, token, errors.JWTClaimValidationFailed);
      await expect(verifyBarongJwt(s.keys, token, 'session')).rejects.toMatchObject({ claim });
    };
    await claimFails({ iss: 'peatio' }, 'iss');
    await claimFails({ aud: ['peatio', 'other'] }, 'aud');
    await claimFails({ aud: 'other' }, 'aud');
    await claimFails({ aud: ['peatio'] }, 'aud');
    await claimFails({ sub: 'confirmation' }, 'sub');
    await claimFails({ nbf: now() + 120 }, 'nbf');
    await claimFails({ iat: now() + 120 }, 'iat');
    await rejects(s.keys, await signed({ iat: now() - 120, exp: now() - 60 }), errors.JWTExpired);
    await rejects(s.keys, await signed({ exp: undefined }), errors.JWTClaimValidationFailed);
    // The control: the same recipe with nothing wrong verifies.
    expect(await new SessionJwt(s.keys, 60).verify(await signed({ nbf: now() }))).toMatchObject(CLAIMS);
  });
});
