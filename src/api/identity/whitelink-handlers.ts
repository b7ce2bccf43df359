/** POST /identity/users/access: redeem a whitelink token: the caller's IP is whitelisted while the token lives. */
import type { WhitelinkService } from '../../domain/authz/whitelink-service.js';
import type { Handler } from '../types.js';
import { requestContext } from '../auth/auth-context.js';

export interface WhitelinkHandlerDeps {
  whitelink: WhitelinkService;
}

export function createWhitelinkHandlers(d: WhitelinkHandlerDeps) {
  // Barong answers 201 with `true`; the contract keeps the seed's 200 and an object.
  const createWhitelistAccess: Handler<'createWhitelistAccess'> = async (req) => {
    await d.whitelink.redeem(req.body.whitelink_token, requestContext(req).ip);
    return { status: 200, body: {} };
  };

  return { createWhitelistAccess };
}
