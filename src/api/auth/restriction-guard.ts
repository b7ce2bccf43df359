/**
 * IP restrictions (docs/parity.md#restrictions-on-the-own-api) on this server's own operations. The gateway
 * authorizer checks them for the exchange's services, but gateways proxy `/api/v2/barong/` straight here (the
 * nginx configuration in docs/gateways.md does), so without this a blacklisted client could still sign up, log
 * in and use the resource API. The same in-memory policy as the authorizer, the same answers (the row's status,
 * `authz.restrict.<category>`); what a request is comes from its operationId, so no spelling of a path changes it.
 */
import { AppError } from '../../errors/app-error.js';
import type { AuthzPolicy } from '../../domain/authz/authz-policy.js';
import type { RestrictedKind } from '../../domain/authz/restrictions.js';
import type { OperationId } from '../types.js';
import type { Restrictions } from '../router.js';

/** What blocklogin refuses: both ways to log in (Barong's blocklogin misses the Auth0 one). */
const LOGIN_OPERATIONS: ReadonlySet<OperationId> = new Set(['createSession', 'createAuth0Session']);
/** Never restricted, as in the authorizer: an operator's whitelink must work during maintenance. */
const WHITELINK_OPERATION: OperationId = 'createWhitelistAccess';

export function restrictionGuard(policy: Pick<AuthzPolicy, 'restrictionFor'>): Restrictions {
  return (operationId) => {
    const kind: RestrictedKind =
      operationId === WHITELINK_OPERATION ? 'whitelink' : LOGIN_OPERATIONS.has(operationId) ? 'login' : 'other';
    return (req, _res, next) => {
      const denial = policy.restrictionFor(req.ip ?? req.socket.remoteAddress ?? '', kind);
      next(denial ? new AppError(denial.status, denial.key) : undefined);
    };
  };
}
