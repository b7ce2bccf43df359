/** Signed management requests: signatures, pinned algorithms, claims, replay across processes, the scope's rule. */
import { randomUUID, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { GeneralSign } from 'jose';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SignedRequests,
  redisJtiClaim,
  NOT_ENOUGH_SIGNATURES,
  NOT_VERIFIED,
  type JwtBounds,
} from '../../src/domain/management/signed-request.js';
import type { ManagementSigner } from '../../src/config/index.js';
import { deleteKeysWithPrefix } from '../support/redis.js';

const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });
const keys = { applogic: rsa(), peatio: ec(), stranger: rsa() };
const keychain = new Map<string, ManagementSigner>([
  ['applogic', { algorithm: 'RS256', key: keys.applogic.publicKey }],
  ['peatio', { algorithm: 'ES256', key: keys.peatio.publicKey }],
]);
const scope = { permittedSigners: ['applogic', 'peatio'], mandatorySigners: ['applogic'] };
const bounds: JwtBounds = { maxAgeSeconds: 60, maxLifetimeSeconds: 300, leewaySeconds: 10 };
const now = () => Math.floor(Date.now() / 1000);

type Signer = [kid: string, key: KeyObject, alg: string];
const applogic: Signer = ['applogic', keys.applogic.privateKey, 'RS256'];
const peatio: Signer = ['peatio', keys.peatio.privateKey, 'ES256'];

function claims(extra: Record<string, unknown> = {}) {
  return { iat: now(), exp: now() + 60, jti: randomUUID(), data: { uid: 'ID123' }, ...extra };
}

async function sign(payload: unknown, ...signers: Signer[]) {
  const jws = new GeneralSign(new TextEncoder().encode(JSON.stringify(payload)));
  for (const [kid, key, alg] of signers)
    jws.addSignature(key).setProtectedHeader({ alg }).setUnprotectedHeader({ kid });
  return jws.sign();
}

describe('signed management requests', () => {
  const prefix = `test:mgmt:${randomUUID()}:`;
  let redis: Redis;
  let requests: SignedRequests;
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => 'accepted',
      (e: Error & { status?: number }) => `${e.status} ${e.message}`,
    );

  beforeAll(() => {
    redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    requests = new SignedRequests(
      keychain,
      bounds,
      redisJtiClaim(redis, (d) => `${prefix}jti:${d}`),
    );
  });
  afterAll(async () => {
    await deleteKeysWithPrefix(redis, prefix);
    await redis.quit();
  });

  it("opens a request the scope's signers signed and gives its data", async () => {
    expect(await requests.open(await sign(claims(), applogic), scope)).toEqual({ uid: 'ID123' });
    expect(await requests.open(await sign(claims(), applogic, peatio), scope)).toEqual({ uid: 'ID123' });
    expect(await requests.open(await sign(claims({ data: undefined }), applogic), scope)).toEqual({});
  });

  it('needs every mandatory signer; signatures of signers the scope does not permit count for nothing', async () => {
    expect(await refusal(requests.open(await sign(claims(), peatio), scope))).toBe(`401 ${NOT_ENOUGH_SIGNATURES}`);
    const strangerSigner: Signer = ['stranger', keys.stranger.privateKey, 'RS256'];
    expect(await refusal(requests.open(await sign(claims(), strangerSigner), scope))).toBe(
      `401 ${NOT_ENOUGH_SIGNATURES}`,
    );
    // A stranger calling itself applogic does not verify with applogic's key.
    const impostor: Signer = ['applogic', keys.stranger.privateKey, 'RS256'];
    expect(await refusal(requests.open(await sign(claims(), impostor), scope))).toBe(`401 ${NOT_VERIFIED}`);
    const peatioOnly = { permittedSigners: ['peatio'], mandatorySigners: ['peatio'] };
    expect(await refusal(requests.open(await sign(claims(), applogic), peatioOnly))).toBe(
      `401 ${NOT_ENOUGH_SIGNATURES}`,
    );
  });

  it('accepts only the algorithm the keychain pins for a signer: no none, no HMAC keyed with its public key', async () => {
    const unsecured = {
      payload: Buffer.from(JSON.stringify(claims())).toString('base64url'),
      signatures: [
        { protected: Buffer.from('{"alg":"none"}').toString('base64url'), header: { kid: 'applogic' }, signature: '' },
      ],
    };
    expect(await refusal(requests.open(unsecured, scope))).toBe(`401 ${NOT_VERIFIED}`);
    const secret = keys.applogic.publicKey.export({ type: 'spki', format: 'pem' });
    const hmac = new GeneralSign(new TextEncoder().encode(JSON.stringify(claims())));
    hmac
      .addSignature(new TextEncoder().encode(String(secret)))
      .setProtectedHeader({ alg: 'HS256' })
      .setUnprotectedHeader({ kid: 'applogic' });
    expect(await refusal(requests.open(await hmac.sign(), scope))).toBe(`401 ${NOT_VERIFIED}`);
    const ps256: Signer = ['applogic', keys.applogic.privateKey, 'PS256'];
    expect(await refusal(requests.open(await sign(claims(), ps256), scope))).toBe(`401 ${NOT_VERIFIED}`);
  });

  it('needs exp, iat and jti, each within bounds', async () => {
    const bad = [
      { exp: undefined },
      { iat: undefined },
      { jti: undefined },
      { jti: '' },
      { exp: now() - 11 },
      { exp: now() + 400 },
      { iat: now() - 71 },
      { iat: now() + 11 },
      { data: ['not', 'an', 'object'] },
    ];
    for (const extra of bad)
      expect(await refusal(requests.open(await sign(claims(extra), applogic), scope)), JSON.stringify(extra)).toBe(
        `401 ${NOT_VERIFIED}`,
      );
  });

  it('accepts a request once, in every process that shares Redis', async () => {
    const request = await sign(claims(), applogic);
    const other = new SignedRequests(
      keychain,
      bounds,
      redisJtiClaim(redis, (d) => `${prefix}jti:${d}`),
    );
    const answers = await Promise.all([refusal(requests.open(request, scope)), refusal(other.open(request, scope))]);
    expect(answers.sort()).toEqual([`401 ${NOT_VERIFIED}`, 'accepted']);
    expect(await refusal(requests.open(request, scope))).toBe(`401 ${NOT_VERIFIED}`);
  });

  it('a request whose verification fails does not use up its jti', async () => {
    const payload = claims();
    const stranger: Signer = ['applogic', keys.stranger.privateKey, 'RS256'];
    expect(await refusal(requests.open(await sign(payload, stranger), scope))).toBe(`401 ${NOT_VERIFIED}`);
    expect(await requests.open(await sign(payload, applogic), scope)).toEqual({ uid: 'ID123' });
  });

  it('any changed character of payload, header or signature is refused', async () => {
    const request = await sign(claims(), applogic);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('payload', 'protected', 'signature'),
        fc.nat(),
        fc.constantFrom('A', 'B', '_', '-'),
        async (part, at, ch) => {
          const copy = structuredClone(request) as {
            payload: string;
            signatures: { protected: string; signature: string }[];
          };
          const target = part === 'payload' ? copy : copy.signatures[0]!;
          const text = (target as Record<string, string>)[part]!;
          // Not the last character, whose spare bits base64url decoding may ignore.
          const i = at % (text.length - 1);
          if (text[i] === ch) return;
          (target as Record<string, string>)[part] = text.slice(0, i) + ch + text.slice(i + 1);
          expect(await refusal(requests.open(copy, scope))).not.toBe('accepted');
        },
      ),
      { numRuns: 200, seed: 17 },
    );
  });

  it('refuses what is not a general JWS', async () => {
    for (const body of [
      null,
      'jwt',
      {},
      { payload: 'x' },
      { payload: 'x', signatures: [] },
      { payload: 1, signatures: [{ signature: 'x' }] },
    ]) {
      expect(await refusal(requests.open(body, scope)), JSON.stringify(body)).toBe(`401 ${NOT_VERIFIED}`);
    }
  });
});
