/**
 * The gateway authorizer: pass/block rules from a file followed on change, callers' records cached in Redis
 * (a user's or key's change drops its record), the API-key signature and nonce checks, and JWT reuse.
 */
import { AuthzRules, DEFAULT_AUTHZ_RULES_FILE } from './authz-rules.js';
import { AuthorizerCache } from './authorizer-cache.js';
import { authorizerInvalidation } from './authorizer-invalidation.js';
import { ApiKeyAuthenticator } from './api-key-authenticator.js';
import { NonceGuard } from './nonce-guard.js';
import { IssuedTokens } from './issued-tokens.js';
import { Authorizer } from './authorizer.js';
import type { AreaDeps } from '../create-shared-services.js';
import type { AuthzServices } from './create-authz-services.js';

export type GatewayServicesDeps = Pick<
  AreaDeps,
  | 'config'
  | 'logger'
  | 'redis'
  | 'redisKeys'
  | 'encryptor'
  | 'uow'
  | 'dispatcher'
  | 'sessions'
  | 'sessionJwt'
  | 'jwtKeys'
> &
  Pick<AuthzServices, 'policy' | 'adminActivities'>;

export interface GatewayServices {
  authzRules: AuthzRules;
  authorizerCache: AuthorizerCache;
  authorizer: Authorizer;
}

export function createGatewayServices(d: GatewayServicesDeps): GatewayServices {
  const { gatewayAuth } = d.config;
  const { redis, redisKeys: keys, sessionJwt } = d;
  const authzRules = new AuthzRules(gatewayAuth.rulesFile ?? DEFAULT_AUTHZ_RULES_FILE, d.logger);
  const authorizerCache = new AuthorizerCache({
    redis,
    keys,
    repos: () => d.uow.repos,
    sessions: d.sessions,
    ttlSeconds: gatewayAuth.claimsTtlSeconds,
    logger: d.logger,
  });
  void authorizerCache.completeKidSet(); // until it is complete, unknown kids read SQL
  d.dispatcher.subscribe('authorizer-cache', authorizerInvalidation(authorizerCache));
  const authorizer = new Authorizer({
    policy: d.policy,
    rules: authzRules,
    cache: authorizerCache,
    apiKeys: new ApiKeyAuthenticator({
      cache: authorizerCache,
      nonces: new NonceGuard(redis, keys, gatewayAuth.nonceLifetimeMs, gatewayAuth.nonceClockSkewMs),
      encryptor: d.encryptor,
      nonceLifetimeMs: gatewayAuth.nonceLifetimeMs,
      strictSignature: gatewayAuth.strictSignature,
    }),
    sessions: d.sessions,
    tokens: new IssuedTokens(
      (claims) => sessionJwt.sign(claims),
      d.config.jwt.expireTime,
      undefined,
      () => d.jwtKeys.kid,
    ),
    activities: d.adminActivities,
    csrfProtection: d.config.session.csrfProtection,
  });
  return { authzRules, authorizerCache, authorizer };
}

export function closeGatewayServices(s: GatewayServices): void {
  s.authzRules.close(); // stops following the rules file
}
