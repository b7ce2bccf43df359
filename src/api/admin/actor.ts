import type { Request } from 'express';
import type { AdminActor } from '../../domain/admin/admin-actor.js';
import { requestContext } from '../auth/auth-context.js';
import { currentUser } from '../resource/current-user.js';

/** What of a request says who and where the caller is: any operation's, whatever its typed query and body. */
type CallerRequest = Pick<Request, 'auth' | 'ip' | 'socket' | 'get' | 'app'>;

/** The admin behind a call the admin guard let through, and where the call came from. */
export function adminActor(req: CallerRequest): AdminActor {
  return { user: currentUser(req), ctx: requestContext(req as Request) };
}
