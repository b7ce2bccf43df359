/**
 * Who may call a management operation: a request signed for the operation's scope (src/domain/management/
 * signed-request.ts). The verified payload's `data` replaces the body, so the contract validator and the handler
 * see the parameters the signers signed, and nothing else.
 */
import type { RequestHandler } from 'express';
import type { ManagementScope } from '../../config/index.js';
import { ManagementRefusal, NOT_VERIFIED, type SignedRequests } from '../../domain/management/signed-request.js';
import { MANAGEMENT_DISABLED } from './management-transport.js';

export interface ManagementGuardDeps {
  requests?: SignedRequests;
  scopes?: ReadonlyMap<string, ManagementScope>;
}

export function managementGuard(d: ManagementGuardDeps) {
  return (scope: string): RequestHandler =>
    async (req, _res, next) => {
      if (!d.requests) throw new ManagementRefusal(404, MANAGEMENT_DISABLED);
      // Barong: a scope the configuration does not name trusts nobody.
      const rule = d.scopes?.get(scope);
      if (!rule) throw new ManagementRefusal(401, NOT_VERIFIED, `scope ${scope} is not configured`);
      req.body = await d.requests.open(req.body, rule);
      next();
    };
}
