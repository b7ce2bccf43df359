/** Admin API routes. Users: list, one user, state/otp/email, role, pending documents. */
import { NOT_IMPLEMENTED, admin, type RouteTable } from '../types.js';

type UsersOperations = 'adminListUsers' | 'adminGetUser' | 'adminUpdateUser' | 'adminUpdateUserLegacy' | 'adminUpdateUserRole' | 'adminListUsersWithPendingDocuments';

export function usersRoutes(): Pick<RouteTable, UsersOperations> {
  return {
    adminListUsers: { access: admin('read', 'User'), handler: NOT_IMPLEMENTED }, // GET /users
    adminGetUser: { access: admin('read', 'User'), handler: NOT_IMPLEMENTED }, // GET /users/{uid}
    adminUpdateUser: { access: admin('update', 'User'), handler: NOT_IMPLEMENTED }, // PUT /users
    adminUpdateUserLegacy: { access: admin('update', 'User'), handler: NOT_IMPLEMENTED }, // POST /users/update
    adminUpdateUserRole: { access: admin('update', 'User'), handler: NOT_IMPLEMENTED }, // POST /users/role
    adminListUsersWithPendingDocuments: { access: admin('read', 'User'), handler: NOT_IMPLEMENTED }, // GET /users/documents/pending
  };
}
