/** What admin handlers take from a request: the admin behind it, and Barong's paging (page 1, 100 a page). */
import type { AdminActor } from '../../domain/admin/admin-actor.js';
import type { PageRequest } from '../../db/repositories/paging.js';
import { unauthorized } from '../../errors/app-error.js';
import { requestContext, type AuthContext, type RequestLike } from '../auth/auth-context.js';
import { pagingHeaders } from './paging.js';

const DEFAULT_LIMIT = 100;

/** The admin guard ran before any admin handler, so the caller is there; failing closed costs nothing. */
export function adminActor(req: RequestLike & { auth?: AuthContext }): AdminActor {
  const user = req.auth?.user;
  if (!user) throw unauthorized('jwt.decode_and_verify');
  return { user, ctx: requestContext(req) };
}

export function pageOf(query: { page?: number; limit?: number }): PageRequest {
  return { page: query.page ?? 1, limit: query.limit ?? DEFAULT_LIMIT };
}

/** A page as Barong's api-pagination answers it: the rows, with `Total`, `Per-Page` and `Page` headers. */
export function pagedReply<T>(items: T[], total: number, page: PageRequest) {
  return {
    status: 200 as const,
    body: items,
    headers: pagingHeaders({ total, ...page }),
  };
}
