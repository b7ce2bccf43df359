/** POST /identity/sessions/auth0: login with an Auth0 id_token; Auth0LoginService checks token and account. */
import type { Auth0LoginService } from '../../domain/auth0/auth0-login-service.js';
import type { Handler } from '../types.js';
import { requestContext } from '../auth/auth-context.js';
import type { SessionOpener } from './session-opener.js';

export interface Auth0HandlerDeps {
  auth0: Auth0LoginService;
  opener: SessionOpener;
}

export function createAuth0Handlers(d: Auth0HandlerDeps) {
  // Barong answers 201; the contract keeps the seed's 200.
  const createAuth0Session: Handler<'createAuth0Session'> = async (req, res) => {
    const user = await d.auth0.login(req.body.id_token, requestContext(req));
    return { status: 200, body: await d.opener.open(req, res, user) };
  };

  return { createAuth0Session };
}
