/** What every admin handler takes from its request: the admin behind it, and the paging headers of a list. */
import type { Request } from 'express';
import type { AdminActor } from '../../domain/admin/admin-actor.js';
import { requestContext } from '../auth/auth-context.js';

/** The admin guard ran before the handler, so the caller is an active user allowed this operation. */
export function adminActor(req: Pick<Request, 'auth' | 'ip' | 'socket' | 'app' | 'get'>): AdminActor {
  return { user: req.auth!.user!, ctx: requestContext(req) };
}

export function pagingHeaders(page: { total: number; page: number; limit: number }): Record<string, string> {
  return { Total: String(page.total), 'Per-Page': String(page.limit), Page: String(page.page) };
}
