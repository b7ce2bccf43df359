/**
 * Builds the authorization policy of one API process: loaded from the database, subscribed to invalidations.
 * The composition root and the second-process test probe both start it through here.
 */
import type { Logger } from '../../lib/logger.js';
import type { RedisClient, RedisKeys } from '../../lib/redis.js';
import type { Repositories } from '../../db/repositories/index.js';
import type { GeoLookup } from './geoip.js';
import { AuthzPolicy, POLICY_PARTS } from './authz-policy.js';
import { PolicyInvalidation } from './policy-invalidation.js';

export interface AuthzPolicyDeps {
  repos: () => Pick<Repositories, 'permissions' | 'restrictions'>;
  redis: RedisClient;
  keys: RedisKeys;
  geo: GeoLookup;
  logger: Logger;
  /** Safety-net reload period; 0 turns it off. */
  refreshSeconds: number;
}

/** Throws when the first load fails: an authorizer without its policy must not start. */
export async function startAuthzPolicy(
  deps: AuthzPolicyDeps,
): Promise<{ policy: AuthzPolicy; invalidation: PolicyInvalidation }> {
  const policy = new AuthzPolicy(
    { permissions: () => deps.repos().permissions.all(), restrictions: () => deps.repos().restrictions.enabled() },
    deps.geo,
    deps.logger,
  );
  const invalidation = new PolicyInvalidation(policy, deps.redis, deps.keys, deps.logger, deps.refreshSeconds);
  // Subscribe first, then load: a change committed in between is then either in the load or announced after it.
  await invalidation.start();
  try {
    await policy.reload(POLICY_PARTS);
  } catch (err) {
    await invalidation.close();
    throw err;
  }
  return { policy, invalidation };
}
