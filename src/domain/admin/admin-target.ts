/** The user an admin's write names, and who may change them. */
import type { User } from '../../db/repositories/users-repository.js';
import { notFound, unprocessable } from '../../errors/app-error.js';
import type { Work } from '../unit-of-work.js';
import type { AdminActor } from './admin-actor.js';

/**
 * User `uid`, which the admin may change: 404 `admin.user.doesnt_exist` when there is none; only a superadmin
 * changes a superadmin (`admin.user.superadmin_change`); nobody changes themself (`admin.user.update_himself`).
 */
export async function changeableUser(w: Pick<Work, 'repos'>, actor: AdminActor, uid: string): Promise<User> {
  const user = await w.repos.users.findByUid(uid);
  if (!user) throw notFound('admin.user.doesnt_exist');
  if (user.role === 'superadmin' && actor.user.role !== 'superadmin')
    throw unprocessable('admin.user.superadmin_change');
  if (user.id === actor.user.id) throw unprocessable('admin.user.update_himself');
  return user;
}
