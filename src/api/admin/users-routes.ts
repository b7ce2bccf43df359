/** Admin API routes. Users: list, one user, state/otp/email, role, pending documents, data storage, comments, API keys. */
import { NOT_IMPLEMENTED, admin, type RouteTable } from '../types.js';

type UsersOperations = 'adminListUsers' | 'adminGetUser' | 'adminUpdateUser' | 'adminUpdateUserLegacy' | 'adminUpdateUserRole' | 'adminListUsersWithPendingDocuments' | 'adminDeleteUserDataStorage' | 'adminCreateUserComment' | 'adminUpdateUserComment' | 'adminDeleteUserComment' | 'adminListUserApiKeys';

export function usersRoutes(): Pick<RouteTable, UsersOperations> {
  return {
    adminListUsers: { access: admin('read', 'User'), handler: NOT_IMPLEMENTED }, // GET /users
    adminGetUser: { access: admin('read', 'User'), handler: NOT_IMPLEMENTED }, // GET /users/{uid}
    adminUpdateUser: { access: admin('update', 'User'), handler: NOT_IMPLEMENTED }, // PUT /users
    adminUpdateUserLegacy: { access: admin('update', 'User'), handler: NOT_IMPLEMENTED }, // POST /users/update
    adminUpdateUserRole: { access: admin('update', 'User'), handler: NOT_IMPLEMENTED }, // POST /users/role
    adminListUsersWithPendingDocuments: { access: admin('read', 'User'), handler: NOT_IMPLEMENTED }, // GET /users/documents/pending
    adminDeleteUserDataStorage: { access: admin('destroy', 'User'), handler: NOT_IMPLEMENTED }, // DELETE /users/data_storage
    adminCreateUserComment: { access: admin('update', 'User'), handler: NOT_IMPLEMENTED }, // POST /users/comments
    adminUpdateUserComment: { access: admin('update', 'User'), handler: NOT_IMPLEMENTED }, // PUT /users/comments
    adminDeleteUserComment: { access: admin('update', 'User'), handler: NOT_IMPLEMENTED }, // DELETE /users/comments
    adminListUserApiKeys: { access: admin('read', 'APIKey'), handler: NOT_IMPLEMENTED }, // GET /api_keys
  };
}
