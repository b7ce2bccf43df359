/** Who may change whom through the admin API, checked before anything else about the change (Barong's order). */
import type { User } from '../../db/repositories/users-repository.js';
import { unprocessable } from '../../errors/app-error.js';

export const SUPERADMIN = 'superadmin';

/** Only a superadmin changes a superadmin; nobody changes their own account. */
export function assertMayChange(admin: User, target: User): void {
  if (target.role === SUPERADMIN && admin.role !== SUPERADMIN) throw unprocessable('admin.user.superadmin_change');
  if (target.id === admin.id) throw unprocessable('admin.user.update_himself');
}
