/** Admin API routes. Users: list, one user, state/otp/email, role, erasure, pending documents. */
import { admin, type RouteTable } from '../types.js';
import { createUsersHandlers, type UsersRouteDeps } from './users-handlers.js';

export type { UsersRouteDeps } from './users-handlers.js';

type UsersOperations =
  | 'adminListUsers'
  | 'adminGetUser'
  | 'adminUpdateUser'
  | 'adminUpdateUserLegacy'
  | 'adminUpdateUserRole'
  | 'adminEraseUser'
  | 'adminListUsersWithPendingDocuments';

export function usersRoutes(d: UsersRouteDeps): Pick<RouteTable, UsersOperations> {
  const h = createUsersHandlers(d);
  return {
    adminListUsers: { access: admin('read', 'User'), handler: h.adminListUsers }, // GET /users
    adminGetUser: { access: admin('read', 'User'), handler: h.adminGetUser }, // GET /users/{uid}
    adminUpdateUser: { access: admin('update', 'User'), handler: h.adminUpdateUser }, // PUT /users
    adminUpdateUserLegacy: { access: admin('update', 'User'), handler: h.adminUpdateUserLegacy }, // POST /users/update
    adminUpdateUserRole: { access: admin('update', 'User'), handler: h.adminUpdateUserRole }, // POST /users/role
    adminEraseUser: { access: admin('destroy', 'PersonalData'), handler: h.adminEraseUser }, // POST /users/erase
    adminListUsersWithPendingDocuments: {
      access: admin('read', 'User'),
      handler: h.adminListUsersWithPendingDocuments,
    }, // GET /users/documents/pending
  };
}
