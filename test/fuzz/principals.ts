/**
 * The fuzzer's real state: signed-in users with 2FA, a session cookie with its CSRF token, a Bearer JWT and an
 * API key each, so that requests get past the guards. Every operation gets a principal of its own, made before
 * the run: a request that logs out, deletes the account or disables 2FA then spoils that operation only.
 */
import { generateSecret } from 'otplib';
import type { TestApp } from '../support/app.js';
import { createApiKey, createUser, totpCode } from '../support/factories.js';
import { bearer, login, BROWSER } from '../support/account-client.js';
import { hmacHex } from '../../src/domain/api-keys/api-key-secrets.js';

export interface Principal {
  email: string;
  password: string;
  otpSecret: string;
  cookie: string;
  csrf: string;
  token: string;
  kid: string;
  secret: string;
}

export const USER_AGENT = BROWSER;

export async function createPrincipal(t: TestApp, role = 'member'): Promise<Principal> {
  const otpSecret = generateSecret();
  const user = await createUser(t, { otpSecret, level: 3, role });
  const session = await login(t, user, { otpCode: await totpCode(otpSecret) });
  const { kid, secret } = await createApiKey(t, { type: 'User', id: user.id });
  return {
    email: user.email,
    password: user.password,
    otpSecret,
    cookie: session.cookie,
    csrf: session.csrf,
    token: await bearer(t, user),
    kid,
    secret,
  };
}

let lastNonce = 0;
/** Barong's API-key headers: `nonce + kid` signed with the key's secret; nonces strictly increase. */
export function apiKeyHeaders(p: Principal): Record<string, string> {
  const nonce = String((lastNonce = Math.max(Date.now(), lastNonce + 1)));
  return {
    'X-Auth-Apikey': p.kid,
    'X-Auth-Nonce': nonce,
    'X-Auth-Signature': hmacHex('HS256', p.secret, nonce + p.kid),
  };
}
