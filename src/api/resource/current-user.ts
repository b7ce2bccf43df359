import type { Request } from 'express';
import type { User } from '../../db/repositories/users-repository.js';
import { unauthorized } from '../../errors/app-error.js';

/** The user the `user` guard found; a route mounted without that guard fails closed. */
export function currentUser(req: Pick<Request, 'auth'>): User {
  const user = req.auth?.user;
  if (!user) throw unauthorized('jwt.decode_and_verify');
  return user;
}
