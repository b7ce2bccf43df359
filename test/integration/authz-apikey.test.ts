/**
 * The gateway endpoint in API-key mode (issue 5, items 1, 2; reference §5.4, §5.5): every `authz.*` answer in
 * Barong's order, the nonce accepted once, expired nonces either side, a flipped signature, keys disabled and
 * deleted through the API (the cached key record follows at once), 2FA off, a banned holder, service-account
 * keys with Barong's service-account payload, and the optional strict signature (method + path + nonce + kid).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { randomBytes } from 'node:crypto';
import { generateSecret } from 'otplib';
import { decodeJwt } from 'jose';
import { startTestApp, type TestApp } from '../support/app.js';
import { activeUser, createApiKey, freshCode, totpCode, type UserSpec } from '../support/factories.js';
import { BROWSER, login } from '../support/account-client.js';
import { hmacHex } from '../../src/domain/api-keys/api-key-secrets.js';
import { userClaims } from '../../src/domain/tokens/session-jwt.js';
import type { KeyHolder } from '../../src/db/repositories/api-keys-repository.js';
import { ApiKeyAuthenticator } from '../../src/domain/authz/api-key-authenticator.js';
import { NonceGuard } from '../../src/domain/authz/nonce-guard.js';
import { canonicalUpstreamPath } from '../../src/domain/authz/upstream-path.js';

const AUTH = '/api/v2/barong/auth/';
const RESOURCE = '/api/v2/barong/resource';
const BALANCES = 'api/v2/peatio/account/balances';

interface Key {
  kid: string;
  secret: string;
  algorithm: string;
}

let lastNonce = 0;
/** Milliseconds now, strictly increasing: two requests in one millisecond must not share a nonce. */
const freshNonce = () => String((lastNonce = Math.max(Date.now(), lastNonce + 1)));

function appFixtures(get: () => TestApp) {
  const makeKey = async (holder: KeyHolder, algorithm = 'HS256', state = 'active'): Promise<Key> => {
    const t = get();
    return createApiKey(t, holder, { algorithm, state });
  };
  /** A gateway call signed with `key` (Barong's `nonce + kid` unless `data` says otherwise). */
  const signed = (
    key: Key,
    path = BALANCES,
    o: {
      method?: 'get' | 'post' | 'delete';
      nonce?: string;
      signature?: string;
      data?: (nonce: string) => string;
    } = {},
  ) => {
    const nonce = o.nonce ?? freshNonce();
    const signature = o.signature ?? hmacHex(key.algorithm, key.secret, o.data ? o.data(nonce) : nonce + key.kid);
    return request(get().app)
      [o.method ?? 'get'](AUTH + path)
      .set('User-Agent', BROWSER)
      .set('X-Auth-Apikey', key.kid)
      .set('X-Auth-Nonce', nonce)
      .set('X-Auth-Signature', signature);
  };
  return { makeKey, signed };
}

const denied = (key: string) => ({ errors: [key] });
const tokenOf = (res: { headers: Record<string, string> }) =>
  /^Bearer (\S+)$/.exec(res.headers.authorization ?? '')?.[1];

describe('Barong-compatible signatures', () => {
  let t: TestApp;
  const { makeKey, signed } = appFixtures(() => t);

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  /** An active user with 2FA on and an active HS256 key. */
  async function keyed(spec: Omit<UserSpec, 'state' | 'level' | 'otpSecret'> = {}) {
    const otpSecret = generateSecret();
    const user = await activeUser(t, { ...spec, otpSecret });
    return { user, otpSecret, key: await makeKey({ type: 'User', id: user.id }) };
  }

  it('signs as Barong documents it (kid 61d025b8573501c2, nonce 1584524005143)', () => {
    expect(hmacHex('HS256', '2d0b4979c7fe6986daa8e21d1dc0644f', '1584524005143' + '61d025b8573501c2')).toBe(
      'bd42b945e095880e28d046846dbecf655fdf09d95a396a24fe6fe1df42f15d13',
    );
  });

  it("a user's key → 200 with the user's JWT; no CSRF token is needed", async () => {
    const { user, key } = await keyed();
    const res = await signed(key, BALANCES, { method: 'post' }).expect(200);
    expect(res.text).toBe('');
    const claims = await t.services.sessionJwt.verify(tokenOf(res)!);
    expect(claims).toMatchObject(userClaims(user));
  });

  it.each(['HS384', 'HS512'])('%s keys sign with their own hash', async (algorithm) => {
    const { user } = await keyed();
    const key = await makeKey({ type: 'User', id: user.id }, algorithm);
    await signed(key).expect(200);
    await signed(key, BALANCES, { signature: hmacHex('HS256', key.secret, freshNonce() + key.kid) }).expect(
      401,
      denied('authz.invalid_signature'),
    );
  });

  it('any non-blank X-Auth-* header means API-key mode; all three must be there and non-blank → 422 authz.invalid_api_key_headers', async () => {
    const { key } = await keyed();
    const gate = () => request(t.app).get(AUTH + BALANCES);
    await gate().set('X-Auth-Apikey', key.kid).expect(422, denied('authz.invalid_api_key_headers'));
    await gate()
      .set('X-Auth-Nonce', freshNonce())
      .set('X-Auth-Signature', 'ab')
      .expect(422, denied('authz.invalid_api_key_headers'));
    await signed(key, BALANCES, { signature: ' ' }).expect(422, denied('authz.invalid_api_key_headers'));
    await signed(key, BALANCES, { nonce: '' }).expect(422, denied('authz.invalid_api_key_headers'));
  });

  it('blank X-Auth-* headers alone (a gateway forwarding empty ones) leave session mode', async () => {
    const user = await activeUser(t);
    const s = await login(t, { ...user, password: 'Tecohvi0-Zah!Sh8ei' });
    const res = await request(t.app)
      .get(AUTH + BALANCES)
      .set('User-Agent', BROWSER)
      .set('Cookie', s.cookie)
      .set('X-Auth-Apikey', '')
      .set('X-Auth-Nonce', ' ')
      .set('X-Auth-Signature', '')
      .expect(200);
    expect(decodeJwt(tokenOf(res)!).uid).toBe(user.uid);
  });

  it('API-key mode wins over a session cookie', async () => {
    const other = await activeUser(t);
    const s = await login(t, { ...other, password: 'Tecohvi0-Zah!Sh8ei' });
    const { user, key } = await keyed();
    const res = await signed(key).set('Cookie', s.cookie).expect(200);
    expect(decodeJwt(tokenOf(res)!).uid).toBe(user.uid);
    await request(t.app)
      .get(AUTH + BALANCES)
      .set('User-Agent', BROWSER)
      .set('Cookie', s.cookie)
      .set('X-Auth-Apikey', key.kid)
      .expect(422, denied('authz.invalid_api_key_headers'));
  });

  it('an unknown kid → 401 authz.unexistent_apikey (checked before the nonce)', async () => {
    const ghost = { kid: randomBytes(8).toString('hex'), secret: 'x', algorithm: 'HS256' };
    await signed(ghost, BALANCES, { nonce: 'garbage' }).expect(401, denied('authz.unexistent_apikey'));
    await signed({ ...ghost, kid: 'not a kid:*' }).expect(401, denied('authz.unexistent_apikey'));
  });

  it.each(['abc', '-5', '0', '1.5', '1e12', '99999999999999999999'])(
    'nonce %j → 401 authz.nonce_not_valid_timestamp',
    async (nonce) => {
      const { key } = await keyed();
      await signed(key, BALANCES, { nonce }).expect(401, denied('authz.nonce_not_valid_timestamp'));
    },
  );

  it('a nonce 5 s or more away from now, past or future → 401 authz.nonce_expired', async () => {
    const { key } = await keyed();
    await signed(key, BALANCES, { nonce: String(Date.now() - 6000) }).expect(401, denied('authz.nonce_expired'));
    await signed(key, BALANCES, { nonce: String(Date.now() + 6000) }).expect(401, denied('authz.nonce_expired'));
    await signed(key, BALANCES, { nonce: String(Date.now() - 3000) }).expect(200);
    await signed(key, BALANCES, { nonce: String(Date.now() + 3000) }).expect(200);
  });

  it('one flipped hex character in the signature → 401 authz.invalid_signature; upper-case hex is accepted', async () => {
    const { key } = await keyed();
    const nonce = freshNonce();
    const good = hmacHex('HS256', key.secret, nonce + key.kid);
    const flipped = good.slice(0, 10) + (good[10] === 'a' ? 'b' : 'a') + good.slice(11);
    await signed(key, BALANCES, { nonce, signature: flipped }).expect(401, denied('authz.invalid_signature'));
    await signed(key, BALANCES, { nonce, signature: good.slice(0, -2) }).expect(401, denied('authz.invalid_signature'));
    await signed(key, BALANCES, { nonce, signature: 'zz' + good.slice(2) }).expect(
      401,
      denied('authz.invalid_signature'),
    );
    await signed(key, BALANCES, { nonce, signature: good.toUpperCase() }).expect(200);
  });

  it('better than Barong: a nonce is accepted once per key → 401 authz.nonce_reused on replay', async () => {
    const { user, key } = await keyed();
    const nonce = freshNonce();
    await signed(key, BALANCES, { nonce }).expect(200);
    await signed(key, BALANCES, { nonce }).expect(401, denied('authz.nonce_reused'));
    await signed(key, 'api/v2/peatio/market/orders', { nonce, method: 'post' }).expect(
      401,
      denied('authz.nonce_reused'),
    );
    // A failed signature does not spend the nonce: its owner can still use it.
    const other = await makeKey({ type: 'User', id: user.id });
    const n2 = freshNonce();
    await signed(other, BALANCES, { nonce: n2, signature: 'ab'.repeat(32) }).expect(
      401,
      denied('authz.invalid_signature'),
    );
    await signed(other, BALANCES, { nonce: n2 }).expect(200);
    // The same nonce with another key is that key's first use.
    await signed(key, BALANCES, { nonce: n2 }).expect(200);
  });

  it('reuses one JWT per key while the holder is unchanged', async () => {
    const { key } = await keyed();
    const a = tokenOf(await signed(key).expect(200));
    const b = tokenOf(await signed(key).expect(200));
    expect(a).toBe(b);
  });

  it('a key disabled or deleted through the API stops working at once (the cached key record is dropped)', async () => {
    const { user, otpSecret } = await keyed();
    const bearer = `Bearer ${await t.services.sessionJwt.sign(userClaims(user))}`;
    const code = () => freshCode(t, user, otpSecret);
    const created = await request(t.app)
      .post(`${RESOURCE}/api_keys`)
      .set('Authorization', bearer)
      .send({ algorithm: 'HS256', totp_code: await code() })
      .expect(201);
    const key: Key = { kid: created.body.kid, secret: created.body.secret, algorithm: 'HS256' };
    await signed(key).expect(200);

    await request(t.app)
      .patch(`${RESOURCE}/api_keys/${key.kid}`)
      .set('Authorization', bearer)
      .send({ state: 'inactive', totp_code: await code() })
      .expect(200);
    await signed(key).expect(401, denied('authz.apikey_not_active'));

    await request(t.app)
      .patch(`${RESOURCE}/api_keys/${key.kid}`)
      .set('Authorization', bearer)
      .send({ state: 'active', totp_code: await code() })
      .expect(200);
    await signed(key).expect(200);

    await request(t.app)
      .delete(`${RESOURCE}/api_keys/${key.kid}?totp_code=${await code()}`)
      .set('Authorization', bearer)
      .expect(204);
    await signed(key).expect(401, denied('authz.unexistent_apikey'));
  });

  describe('one spelling per kid (issue 8, item 4)', () => {
    /** A key whose kid has letters, so its upper-case spelling differs. */
    async function lettered() {
      const otpSecret = generateSecret();
      const user = await activeUser(t, { otpSecret });
      const key: Key = await createApiKey(
        t,
        { type: 'User', id: user.id },
        { kid: `abcdef${randomBytes(5).toString('hex')}` },
      );
      const deleteThroughApi = async (spelling: string) => {
        await request(t.app)
          .delete(`${RESOURCE}/api_keys/${spelling}?totp_code=${await freshCode(t, user, otpSecret)}`)
          .set('Authorization', `Bearer ${await t.services.sessionJwt.sign(userClaims(user))}`)
          .expect(204);
      };
      return { key, upper: { ...key, kid: key.kid.toUpperCase() }, deleteThroughApi };
    }

    it('another case of the kid is not the key → 401 authz.unexistent_apikey, before and after the key was used', async () => {
      const { key, upper } = await lettered();
      await signed(upper).expect(401, denied('authz.unexistent_apikey'));
      await signed(key).expect(200);
      await signed(upper).expect(401, denied('authz.unexistent_apikey'));
      await signed({ ...key, kid: `${key.kid.slice(0, 8)}${key.kid.slice(8).toUpperCase()}` }).expect(
        401,
        denied('authz.unexistent_apikey'),
      );
      // The signing lookup itself is exact, whatever the column's collation matches.
      expect(await t.services.uow.repos.apiKeys.findAnyByKid(upper.kid)).toBeUndefined();
      expect((await t.services.uow.repos.apiKeys.findAnyByKid(key.kid))?.kid).toBe(key.kid);
    });

    it('a key deleted through the API stops working under every spelling at once', async () => {
      const { key, upper, deleteThroughApi } = await lettered();
      await signed(upper); // whatever it answers, nothing may be remembered under this spelling
      await signed(key).expect(200);
      await deleteThroughApi(key.kid);
      await signed(key).expect(401, denied('authz.unexistent_apikey'));
      await signed(upper).expect(401, denied('authz.unexistent_apikey'));
    });

    it('the resource API finds a key by any case of its kid (as Barong) and drops the record of the kid as issued', async () => {
      const { key, upper, deleteThroughApi } = await lettered();
      await signed(key).expect(200);
      await deleteThroughApi(upper.kid);
      await signed(key).expect(401, denied('authz.unexistent_apikey'));
    });

    it('a key created through the API drops whatever was remembered under its kid', async () => {
      const otpSecret = generateSecret();
      const user = await activeUser(t, { otpSecret });
      const created = await request(t.app)
        .post(`${RESOURCE}/api_keys`)
        .set('Authorization', `Bearer ${await t.services.sessionJwt.sign(userClaims(user))}`)
        .send({ algorithm: 'HS256', totp_code: await totpCode(otpSecret) })
        .expect(201);
      expect(
        await t.services.redis.get(t.services.redisKeys.tagged('gateway', 'authz', 'gen', 'apikey', created.body.kid)),
      ).toBe('1');
      await signed({ kid: created.body.kid, secret: created.body.secret, algorithm: 'HS256' }).expect(200);
    });

    it('a flood of different random kids costs no SQL once the set of kids is complete', async () => {
      await t.services.authorizerCache.completeKidSet();
      const queries: string[] = [];
      const listener = (q: { sql: string }) => queries.push(q.sql);
      t.services.knex.on('query', listener);
      try {
        for (let i = 0; i < 20; i++) {
          const ghost = { kid: randomBytes(8).toString('hex'), secret: 'x', algorithm: 'HS256' };
          await signed(ghost).expect(401, denied('authz.unexistent_apikey'));
        }
      } finally {
        t.services.knex.removeListener('query', listener);
      }
      expect(queries).toEqual([]);
    });

    it('a key written by hand in SQL works once the set of kids is due again, and is in it afterwards', async () => {
      const user = await activeUser(t, { otpSecret: generateSecret() });
      await t.services.authorizerCache.completeKidSet();
      const byHand = {
        kid: randomBytes(8).toString('hex'),
        secret: randomBytes(16).toString('hex'),
        algorithm: 'HS256',
      };
      await t.services.uow.repos.apiKeys.insert(
        { type: 'User', id: user.id },
        {
          kid: byHand.kid,
          algorithm: 'HS256',
          scope: [],
          secretEncrypted: t.services.encryptor.encrypt(byHand.secret),
          state: 'active',
        },
      );
      await signed(byHand).expect(401, denied('authz.unexistent_apikey')); // not announced: unknown until the set is due
      const ready = t.services.redisKeys.tagged('gateway', 'authz', 'kids', 'ready');
      expect(await t.services.redis.ttl(ready)).toBeLessThanOrEqual(t.config.gatewayAuth.claimsTtlSeconds);
      await t.services.redis.del(ready, t.services.redisKeys.tagged('gateway', 'authz', 'apikey', byHand.kid)); // as when the mark expires
      await signed(byHand).expect(200); // read from SQL, and the set is filled again
      await t.services.authorizerCache.completeKidSet();
      expect(
        await t.services.redis.sismember(t.services.redisKeys.tagged('gateway', 'authz', 'kids'), byHand.kid),
      ).toBe(1);
    });

    it('an unknown kid is remembered for a while: asking again costs no SQL', async () => {
      const ghost = { kid: randomBytes(8).toString('hex'), secret: 'x', algorithm: 'HS256' };
      const queries: string[] = [];
      const listener = (q: { sql: string }) => queries.push(q.sql);
      await signed(ghost).expect(401, denied('authz.unexistent_apikey'));
      t.services.knex.on('query', listener);
      try {
        for (let i = 0; i < 5; i++) await signed(ghost).expect(401, denied('authz.unexistent_apikey'));
        await signed({ ...ghost, kid: ghost.kid.toUpperCase().replace(/^./, 'F') }).expect(
          401,
          denied('authz.unexistent_apikey'),
        );
      } finally {
        t.services.knex.removeListener('query', listener);
      }
      expect(queries).toEqual([]);
    });
  });

  it('2FA turned off through the API deactivates the keys → 401 authz.apikey_not_active', async () => {
    const { user, otpSecret, key } = await keyed();
    await signed(key).expect(200);
    await request(t.app)
      .post(`${RESOURCE}/otp/disable`)
      .set('Authorization', `Bearer ${await t.services.sessionJwt.sign(userClaims(user))}`)
      .send({ code: await freshCode(t, user, otpSecret) })
      .expect(200);
    await signed(key).expect(401, denied('authz.apikey_not_active'));
  });

  it('a user holder without 2FA (the key still active) → 401 authz.disabled_2fa', async () => {
    const { user, key } = await keyed();
    await signed(key).expect(200);
    await t.services.uow.repos.users.update(user.id, { otp: false }); // behind the services' back: keys stay active
    await t.services.authorizerCache.invalidateOwner(user.uid);
    await signed(key).expect(401, denied('authz.disabled_2fa'));
  });

  it('a holder banned through its labels: the keys go inactive with it → 401 authz.apikey_not_active', async () => {
    const { user, key } = await keyed();
    await signed(key).expect(200);
    await t.services.uow.run((w) => t.services.privateLabels.set(w, user, 'ban', 'fraud'));
    await signed(key).expect(401, denied('authz.apikey_not_active'));
  });

  it('a holder neither active nor pending with an active key → 401 authz.invalid_session; pending is fine', async () => {
    const { user, key } = await keyed();
    await t.services.uow.repos.users.update(user.id, { state: 'pending' });
    await t.services.authorizerCache.invalidateOwner(user.uid);
    expect(decodeJwt(tokenOf(await signed(key).expect(200))!).state).toBe('pending');
    await t.services.uow.repos.users.update(user.id, { state: 'banned' });
    await t.services.authorizerCache.invalidateOwner(user.uid);
    await signed(key).expect(401, denied('authz.invalid_session'));
  });

  it('an inactive key → 401 authz.apikey_not_active, after its signature was checked', async () => {
    const { user } = await keyed();
    const key = await makeKey({ type: 'User', id: user.id }, 'HS256', 'inactive');
    await signed(key, BALANCES, { signature: 'ab'.repeat(32) }).expect(401, denied('authz.invalid_signature'));
    await signed(key).expect(401, denied('authz.apikey_not_active'));
  });

  it("permissions apply to the key holder's role → 401 authz.invalid_permission, recorded for a user", async () => {
    const { user, key } = await keyed();
    await signed(key, 'api/v2/barong/admin/users').expect(401, denied('authz.invalid_permission'));
    await t.services.adminActivities.flush();
    expect(await t.db.knex('activities').where({ user_id: user.id, category: 'admin', result: 'denied' })).toHaveLength(
      1,
    );
  });

  describe('service-account keys', () => {
    async function accountKey(role = 'sa_maker') {
      const owner = await activeUser(t, { otpSecret: generateSecret() });
      const account = await t.services.serviceAccountService.create(owner, { role });
      return { owner, account, key: await makeKey({ type: 'ServiceAccount', id: account.id }) };
    }

    it("→ 200 with Barong's service-account payload (uid, email, role, level, state) and no 2FA requirement", async () => {
      const { account, key } = await accountKey();
      const token = tokenOf(await signed(key).expect(200))!;
      const payload = decodeJwt(token);
      expect(Object.keys(payload).sort()).toEqual([
        'aud',
        'email',
        'exp',
        'iat',
        'iss',
        'jti',
        'level',
        'role',
        'state',
        'sub',
        'uid',
      ]);
      expect(payload).toMatchObject({
        uid: account.uid,
        email: account.email,
        role: 'sa_maker',
        level: 1,
        state: 'active',
        sub: 'session',
      });
      expect(await t.services.sessionJwt.verify(token)).toMatchObject({ uid: account.uid });
    });

    it("their role's DROP rows apply (sa_maker may not manage 2FA); no admin activity for a service account", async () => {
      const { account, key } = await accountKey();
      await signed(key, 'api/v2/barong/resource/otp/enable', { method: 'post' }).expect(
        401,
        denied('authz.invalid_permission'),
      );
      await signed(key, 'api/v2/barong/resource/users/me').expect(200);
      await t.services.adminActivities.flush();
      expect(await t.db.knex('activities').where({ user_id: account.id, category: 'admin' })).toEqual([]);
    });

    it('the owner leaving `active` takes the account and its keys along → 401 authz.apikey_not_active', async () => {
      const { owner, key } = await accountKey();
      await signed(key).expect(200);
      await t.services.uow.run((w) => t.services.privateLabels.set(w, owner, 'lock', 'suspicious'));
      await signed(key).expect(401, denied('authz.apikey_not_active'));
    });
  });
});

describe('the nonce store across API processes whose clocks differ (issue 8, item 11)', () => {
  let t: TestApp;
  const { makeKey } = appFixtures(() => t);

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Another API process on the same Redis: its own authenticator and nonce store, its clock `offsetMs` off. */
  function process(offsetMs: number) {
    const { gatewayAuth } = t.config;
    return new ApiKeyAuthenticator({
      cache: t.services.authorizerCache,
      nonces: new NonceGuard(
        t.services.redis,
        t.services.redisKeys,
        gatewayAuth.nonceLifetimeMs,
        gatewayAuth.nonceClockSkewMs,
      ),
      encryptor: t.services.encryptor,
      nonceLifetimeMs: gatewayAuth.nonceLifetimeMs,
      strictSignature: false,
      now: () => Date.now() + offsetMs,
    });
  }

  it.each([
    [0, -4000],
    [2000, -2000],
  ])(
    'a nonce accepted by a process (clock %i ms off) is refused by one whose clock lags (%i ms) while it could accept it',
    async (ahead, behind) => {
      const lifetime = t.config.gatewayAuth.nonceLifetimeMs;
      expect(ahead - behind).toBeLessThanOrEqual(t.config.gatewayAuth.nonceClockSkewMs);
      const user = await activeUser(t, { otpSecret: generateSecret() });
      const key = await makeKey({ type: 'User', id: user.id });
      // A nonce near the end of the window of the accepting process.
      const nonce = Date.now() + ahead - (lifetime - 100);
      const headers = {
        kid: key.kid,
        nonce: String(nonce),
        signature: hmacHex('HS256', key.secret, `${nonce}${key.kid}`),
      };
      const path = canonicalUpstreamPath(BALANCES)!;

      await expect(process(ahead).authenticate(headers, 'GET', path)).resolves.toMatchObject({ kid: key.kid });
      await expect(process(behind).authenticate(headers, 'GET', path)).rejects.toMatchObject({
        status: 401,
        keys: ['authz.nonce_reused'],
      });
      // The lagging process accepts this nonce until its clock reaches nonce + lifetime; the marker must outlive that.
      const lastAcceptedAt = nonce + lifetime - behind;
      const markerLivesMs = await t.services.redis.pttl(
        t.services.redisKeys.key('authz', 'nonce', key.kid, String(nonce)),
      );
      expect(markerLivesMs).toBeGreaterThanOrEqual(lastAcceptedAt - Date.now());
    },
  );
});

describe('strict signatures (BARONG_APIKEY_STRICT_SIGNATURE=true)', () => {
  let t: TestApp;
  const { makeKey, signed } = appFixtures(() => t);

  beforeAll(async () => {
    t = await startTestApp({ BARONG_APIKEY_STRICT_SIGNATURE: 'true', BARONG_APIKEY_NONCE_LIFETIME: '30000' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("signs METHOD + /path + nonce + kid; Barong's nonce + kid, another method or another path → 401 authz.invalid_signature", async () => {
    const user = await activeUser(t, { otpSecret: generateSecret() });
    const key = await makeKey({ type: 'User', id: user.id });
    const strict = (method: string, path: string) => (nonce: string) => `${method}/${path}${nonce}${key.kid}`;
    await signed(key, `${BALANCES}?currency=btc`, { data: strict('GET', BALANCES) }).expect(200);
    await signed(key, 'api/v2/peatio/market/orders', {
      method: 'post',
      data: strict('POST', 'api/v2/peatio/market/orders'),
    }).expect(200);
    await signed(key).expect(401, denied('authz.invalid_signature'));
    await signed(key, BALANCES, { method: 'post', data: strict('GET', BALANCES) }).expect(
      401,
      denied('authz.invalid_signature'),
    );
    await signed(key, 'api/v2/peatio/account/withdraws', { data: strict('GET', BALANCES) }).expect(
      401,
      denied('authz.invalid_signature'),
    );
  });

  it('BARONG_APIKEY_NONCE_LIFETIME sets the window', async () => {
    const user = await activeUser(t, { otpSecret: generateSecret() });
    const key = await makeKey({ type: 'User', id: user.id });
    const strict = (nonce: string) => `GET/${BALANCES}${nonce}${key.kid}`;
    await signed(key, BALANCES, { nonce: String(Date.now() - 20_000), data: strict }).expect(200);
    await signed(key, BALANCES, { nonce: String(Date.now() - 40_000), data: strict }).expect(
      401,
      denied('authz.nonce_expired'),
    );
  });
});

describe('BARONG_GATEWAY=akamai', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ BARONG_GATEWAY: 'akamai' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('takes the client address from True-Client-IP (sent by a trusted proxy) before X-Forwarded-For', async () => {
    await t.services.restrictionsAdmin.create({ category: 'blacklist', scope: 'ip', value: '192.0.2.44' });
    const gate = () => request(t.app).get(`${AUTH}api/v2/barong/public/ping`);
    await gate()
      .set('True-Client-IP', '192.0.2.44')
      .set('X-Forwarded-For', '198.51.100.1')
      .expect(401, denied('authz.restrict.blacklist'));
    await gate().set('X-Forwarded-For', '192.0.2.44').expect(401, denied('authz.restrict.blacklist'));
    await gate().set('True-Client-IP', '198.51.100.1').set('X-Forwarded-For', '192.0.2.44').expect(200);
    await gate()
      .set('True-Client-IP', 'not-an-ip')
      .set('X-Forwarded-For', '192.0.2.44')
      .expect(401, denied('authz.restrict.blacklist'));
  });
});
