/**
 * The authorization policy: permissions and IP/geo restrictions held in memory and reloaded in every API process
 * when one of them changes (Redis pub/sub), so no request costs SQL; their admin, the whitelinks, and the admin
 * activities written in the background.
 */
import { AdminActivityLog } from './admin-activity-log.js';
import type { AuthzPolicy } from './authz-policy.js';
import { GeoIp } from './geoip.js';
import { PermissionsAdmin } from './permissions-admin.js';
import type { PolicyInvalidation } from './policy-invalidation.js';
import { RestrictionsAdmin } from './restrictions-admin.js';
import { startAuthzPolicy } from './start-authz-policy.js';
import { WhitelinkService } from './whitelink-service.js';
import type { AreaDeps } from '../create-shared-services.js';

export type AuthzServicesDeps = Pick<AreaDeps, 'config' | 'logger' | 'redis' | 'redisKeys' | 'uow' | 'sessions'>;

export interface AuthzServices {
  geoip: GeoIp;
  /** restrictionFor / permissionFor of a request. */
  policy: AuthzPolicy;
  policyInvalidation: PolicyInvalidation;
  adminActivities: AdminActivityLog;
  restrictionsAdmin: RestrictionsAdmin;
  permissionsAdmin: PermissionsAdmin;
  whitelink: WhitelinkService;
}

export async function createAuthzServices(d: AuthzServicesDeps): Promise<AuthzServices> {
  const { config, logger, redis, redisKeys, uow } = d;
  const geoip = await GeoIp.open(config.geoip, logger);
  const { policy, invalidation } = await startAuthzPolicy({
    repos: () => uow.repos,
    redis,
    keys: redisKeys,
    geo: geoip,
    logger,
    refreshSeconds: config.authzPolicy.refreshSeconds,
  });
  return {
    geoip,
    policy,
    policyInvalidation: invalidation,
    adminActivities: new AdminActivityLog(uow, geoip, logger),
    restrictionsAdmin: new RestrictionsAdmin(uow, invalidation, d.sessions, logger),
    permissionsAdmin: new PermissionsAdmin(uow, invalidation),
    whitelink: new WhitelinkService(redis, redisKeys, uow, logger, invalidation),
  };
}

/** Before the database closes: pending admin activities still need it. */
export async function closeAuthzServices(s: AuthzServices): Promise<void> {
  await Promise.allSettled([s.adminActivities.close(), s.policyInvalidation.close()]);
  s.geoip.close();
}
