/**
 * Fixtures the load benchmarks share, made straight through the app's services before (or while) the server runs:
 * an active user with 2FA on and API keys, its login, and the signed headers of an API-key request.
 */
import { generate, generateSecret } from 'otplib';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/lib/logger.js';
import { createServices } from '../../src/compose.js';
import { newUid } from '../../src/domain/accounts/uid.js';
import { newKid, newSecret } from '../../src/domain/api-keys/api-key-rules.js';
import { hmacHex } from '../../src/domain/api-keys/api-key-secrets.js';
import { API_KEY_CHANGED } from '../../src/domain/authz/authorizer-invalidation.js';
import { BENCH_PASSWORD } from './bench-users.js';

export const BENCH_USER_AGENT = 'barong-bench/1.0';

export interface Key {
  kid: string;
  secret: string;
  /** The last nonce signed with this key. */
  lastNonce: number;
}

export interface AuthFixture {
  email: string;
  uid: string;
  otpSecret: string;
  keys: Key[];
}

/**
 * An active user (e-mail verified, 2FA on) of `role` with `keyCount` active HS256 keys, password BENCH_PASSWORD.
 * Keys need 2FA, as in Barong; the keys' kids are announced as the service does, so the gateway learns them.
 */
export async function createAuthFixture(
  env: NodeJS.ProcessEnv,
  opts: { email: string; role?: string; keyCount: number },
): Promise<AuthFixture> {
  const services = await createServices(loadConfig(env), createLogger('silent'));
  try {
    const { uow, hasher, privateLabels, encryptor } = services;
    const otpSecret = generateSecret();
    const passwordDigest = await hasher.hash(BENCH_PASSWORD);
    const user = await uow.run(async (w) => {
      const uid = await newUid(w.repos, services.config.app.uidPrefix);
      const inserted = await w.repos.users.insert({
        uid,
        email: opts.email,
        passwordDigest,
        role: opts.role ?? 'member',
        state: 'pending',
        level: 0,
      });
      await w.repos.users.update(inserted.id, { otp: true, otpSecretEncrypted: encryptor.encrypt(otpSecret) });
      return privateLabels.set(w, { ...inserted, otp: true }, 'email', 'verified');
    });
    if (user.state !== 'active') throw new Error(`fixture user is ${user.state}, expected active`);
    const keys: Key[] = [];
    for (let i = 0; i < opts.keyCount; i++) {
      const secret = newSecret();
      const kid = await uow.run(async (w) => {
        const k = await newKid(w.repos);
        const row = {
          kid: k,
          algorithm: 'HS256',
          scope: ['read', 'trade'],
          secretEncrypted: encryptor.encrypt(secret),
          state: 'active',
        };
        await w.repos.apiKeys.insert({ type: 'User', id: user.id }, row);
        w.emit(API_KEY_CHANGED, { kid: k });
        return k;
      });
      keys.push({ kid, secret, lastNonce: 0 });
    }
    return { email: user.email, uid: user.uid, otpSecret, keys };
  } finally {
    await services.close();
  }
}

/** Logs in as a browser would (2FA code included); answers the `name=value` session cookie. */
export async function loginWithOtp(base: string, f: AuthFixture): Promise<string> {
  const res = await fetch(`${base}/api/v2/barong/identity/sessions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'User-Agent': BENCH_USER_AGENT },
    body: JSON.stringify({
      email: f.email,
      password: BENCH_PASSWORD,
      otp_code: await generate({ secret: f.otpSecret }),
    }),
  });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('_barong_session='));
  if (res.status !== 201 || !cookie) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return cookie.split(';')[0]!;
}

/**
 * X-Auth-* headers for the next request with this key: a nonce never used before with it, and its signature.
 * The server accepts a nonce once per key and nonces are milliseconds, so each key's nonce is
 * `max(now, previous + 1)`: unique, and within the 5 s window at any realistic per-connection rate.
 */
export function signedHeaders(key: Key): Record<string, string> {
  key.lastNonce = Math.max(Date.now(), key.lastNonce + 1);
  const nonce = String(key.lastNonce);
  return {
    'X-Auth-Apikey': key.kid,
    'X-Auth-Nonce': nonce,
    'X-Auth-Signature': hmacHex('HS256', key.secret, nonce + key.kid),
  };
}

/** The token the gateway hands upstream for the session: what a resource call through the gateway carries. */
export async function bearerFor(base: string, cookie: string): Promise<string> {
  const res = await fetch(`${base}/api/v2/barong/auth/api/v2/peatio/account/balances`, {
    headers: { Cookie: cookie, 'User-Agent': BENCH_USER_AGENT },
  });
  const token = res.headers.get('authorization')?.replace(/^Bearer /, '');
  if (res.status !== 200 || !token) throw new Error(`gateway gave no token: ${res.status}`);
  return token;
}
