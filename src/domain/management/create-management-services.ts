/** The management API: the signers it trusts and the scopes they sign for, from the management configuration. */
import type { ManagementScope } from '../../config/index.js';
import type { AreaDeps } from '../create-shared-services.js';
import { SignedRequests, redisJtiClaim } from './signed-request.js';

export type ManagementServicesDeps = Pick<AreaDeps, 'config' | 'redis' | 'redisKeys'>;

export interface ManagementServices {
  /** Undefined when the management API is not configured. */
  signedRequests?: SignedRequests;
  managementScopes?: ReadonlyMap<string, ManagementScope>;
}

export function createManagementServices(d: ManagementServicesDeps): ManagementServices {
  const { api, jwt } = d.config.management;
  if (!api) return {};
  const claim = redisJtiClaim(d.redis, (digest) => d.redisKeys.key('management', 'jti', digest));
  return { signedRequests: new SignedRequests(api.keychain, jwt, claim), managementScopes: api.scopes };
}
