/**
 * API-key mode of the gateway authorizer: `X-Auth-Apikey` (kid), `X-Auth-Nonce` (ms since the
 * epoch) and `X-Auth-Signature` (lowercase hex HMAC, with the key's algorithm and secret, of the signed string).
 *
 * Signed string: Barong's `<nonce><kid>`; with BARONG_APIKEY_STRICT_SIGNATURE=true instead
 * `<METHOD></path><nonce><kid>` — the upper-case method and the canonical upstream path (upstream-path.ts) with a
 * leading slash, without the query string (e.g. `GET/api/v2/peatio/account/balances1584524005143<kid>`), so a
 * captured signature is worthless for any other method or path.
 *
 * Checks in Barong's order, each a 401 unless said: headers (422 authz.invalid_api_key_headers) → unknown kid, or a
 * known one spelled in another case (authz.unexistent_apikey) → nonce not a positive integer (authz.nonce_not_valid_timestamp) → |now − nonce| ≥
 * BARONG_APIKEY_NONCE_LIFETIME (authz.nonce_expired) → signature, constant time (authz.invalid_signature) →
 * **nonce already used with this key (authz.nonce_reused; not in Barong)** → key not active (authz.apikey_not_active)
 * → holder not active or pending (authz.invalid_session) → a user holder without 2FA (authz.disabled_2fa).
 */
import { signatureMatches } from '../api-keys/api-key-secrets.js';
import { SIGN_IN_STATES } from '../accounts/account-state.js';
import { unauthorized, unprocessable } from '../../errors/app-error.js';
import type { Encryptor } from '../../lib/encryptor.js';
import type { AuthorizerCache } from './authorizer-cache.js';
import type { Cached, PrincipalRecord } from './authorizer-records.js';
import type { NonceGuard } from './nonce-guard.js';
import type { CanonicalPath } from './upstream-path.js';

export interface ApiKeyHeaders {
  kid?: string;
  nonce?: string;
  signature?: string;
}

export interface ApiKeyPrincipal {
  principal: Cached<PrincipalRecord>;
  kid: string;
}

export interface ApiKeyAuthDeps {
  cache: AuthorizerCache;
  nonces: NonceGuard;
  encryptor: Encryptor;
  nonceLifetimeMs: number;
  strictSignature: boolean;
  /** This process's clock (ms since the epoch). */
  now?: () => number;
}

/**
 * A kid is 16 lower-case hex characters, as this server and Barong issue them, and only that spelling names the key:
 * the column's collation would also match `ABCDEF…`, whose cached record a deletion of `abcdef…` never dropped.
 * Anything else is not looked up at all.
 */
const KID = /^[0-9a-f]{16}$/;
const NONCE = /^\d{1,16}$/;
const SIGNATURE = /^[0-9a-fA-F]{1,256}$/;
const MAX_SECRETS = 10_000;

export class ApiKeyAuthenticator {
  /** Decrypted secrets by ciphertext (a ciphertext always decrypts to the same secret, so this never goes stale). */
  private readonly secrets = new Map<string, string>();

  constructor(private readonly d: ApiKeyAuthDeps) {}

  async authenticate(headers: ApiKeyHeaders, method: string, path: CanonicalPath): Promise<ApiKeyPrincipal> {
    const kid = headers.kid?.trim();
    const nonce = headers.nonce?.trim();
    const signature = headers.signature?.trim();
    if (!kid || !nonce || !signature) throw unprocessable('authz.invalid_api_key_headers');

    const { key, principal } = KID.test(kid) ? await this.d.cache.apiKey(kid) : {};
    if (!key) throw unauthorized('authz.unexistent_apikey');
    const nonceMs = Number(nonce);
    if (!NONCE.test(nonce) || !(nonceMs > 0)) throw unauthorized('authz.nonce_not_valid_timestamp');
    const now = (this.d.now ?? Date.now)();
    if (Math.abs(now - nonceMs) >= this.d.nonceLifetimeMs) throw unauthorized('authz.nonce_expired');
    const signed = this.d.strictSignature ? `${method}/${path}${nonce}${kid}` : `${nonce}${kid}`;
    if (!this.verify(key.value.algorithm, key.value.secretEncrypted, signed, signature))
      throw unauthorized('authz.invalid_signature');
    if (!(await this.d.nonces.claim(kid, nonceMs, now))) throw unauthorized('authz.nonce_reused');

    if (key.value.state !== 'active') throw unauthorized('authz.apikey_not_active');
    if (!principal || !SIGN_IN_STATES.has(principal.value.claims.state)) throw unauthorized('authz.invalid_session');
    if (principal.value.kind === 'user' && !principal.value.otp) throw unauthorized('authz.disabled_2fa');
    return { principal, kid };
  }

  private verify(algorithm: string, secretEncrypted: string, data: string, signature: string): boolean {
    if (!SIGNATURE.test(signature)) return false;
    try {
      return signatureMatches(algorithm, this.secret(secretEncrypted), data, signature);
    } catch {
      return false; // an algorithm this server cannot compute, or a secret it cannot decrypt
    }
  }

  private secret(ciphertext: string): string {
    let secret = this.secrets.get(ciphertext);
    if (secret === undefined) {
      secret = this.d.encryptor.decrypt(ciphertext);
      if (this.secrets.size >= MAX_SECRETS) this.secrets.clear();
      this.secrets.set(ciphertext, secret);
    }
    return secret;
  }
}
