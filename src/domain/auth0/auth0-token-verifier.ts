/**
 * Verifies an Auth0 `id_token` as Barong does: RS256, signed by a key from the tenant's JWKS
 * (`<issuer>.well-known/jwks.json`, cached and refreshed by jose), `iss` the tenant's issuer URL, `aud` our client
 * id, not expired, carrying an e-mail address.
 * A token the client got wrong answers 401; a tenant we cannot reach (JWKS down, slow or malformed) is logged and
 * answers 422, Barong's catch-all for this endpoint, since it is not the client's fault.
 */
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Config } from '../../config/index.js';
import type { Logger } from '../../lib/logger.js';
import { unauthorized, unprocessable, type AppError } from '../../errors/app-error.js';

export const AUTH0_INVALID = 'identity.session.auth0.invalid_params';

export interface Auth0Settings {
  /** `https://<domain>/` unless BARONG_AUTH0_ISSUER_URL says otherwise; must equal the tokens' `iss`. */
  issuerUrl: string;
  clientId: string;
}

export interface Auth0Identity {
  email: string;
  emailVerified: boolean;
  subject?: string;
}

/** jose failures that mean the token itself is bad, as opposed to the tenant being unreachable. */
const TOKEN_FAULTS = new Set([
  'ERR_JWT_EXPIRED',
  'ERR_JWT_CLAIM_VALIDATION_FAILED',
  'ERR_JWT_INVALID',
  'ERR_JWS_INVALID',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
]);

export const auth0Rejected = (): AppError => unauthorized(AUTH0_INVALID);

export class Auth0TokenVerifier {
  private readonly jwks: JWTVerifyGetKey;

  constructor(
    private readonly settings: Auth0Settings,
    private readonly logger: Logger,
  ) {
    const base = settings.issuerUrl.endsWith('/') ? settings.issuerUrl : `${settings.issuerUrl}/`;
    this.jwks = createRemoteJWKSet(new URL('.well-known/jwks.json', base), { timeoutDuration: 5_000 });
  }

  async verify(idToken: string): Promise<Auth0Identity> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(idToken, this.jwks, {
        issuer: this.settings.issuerUrl,
        audience: this.settings.clientId,
        algorithms: ['RS256'],
        requiredClaims: ['exp'],
      }));
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'string' && TOKEN_FAULTS.has(code)) {
        this.logger.info({ reason: code }, 'Auth0 id_token refused');
        throw auth0Rejected();
      }
      this.logger.warn({ err }, 'Auth0 id_token could not be verified: JWKS unavailable');
      throw unprocessable(AUTH0_INVALID);
    }
    const email = typeof payload.email === 'string' ? payload.email.trim() : '';
    if (!email) throw auth0Rejected();
    return {
      email,
      emailVerified: payload.email_verified === true,
      subject: typeof payload.sub === 'string' ? payload.sub : undefined,
    };
  }
}

/** The verifier when Auth0 is configured (client id and tenant), else undefined. */
export function createAuth0Verifier(config: Config, logger: Logger): Auth0TokenVerifier | undefined {
  const { clientId, issuerUrl } = config.auth0;
  if (!clientId || !issuerUrl) return undefined;
  return new Auth0TokenVerifier({ issuerUrl, clientId }, logger.child({ component: 'auth0' }));
}
