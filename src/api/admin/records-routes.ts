/** Admin API routes. A user's records: data storage, admin comments, API keys. */
import { NOT_IMPLEMENTED, admin, type RouteTable } from '../types.js';

type RecordsOperations = 'adminDeleteUserDataStorage' | 'adminCreateUserComment' | 'adminUpdateUserComment' | 'adminDeleteUserComment' | 'adminListUserApiKeys';

export function recordsRoutes(): Pick<RouteTable, RecordsOperations> {
  return {
    adminDeleteUserDataStorage: { access: admin('destroy', 'User'), handler: NOT_IMPLEMENTED }, // DELETE /users/data_storage
    adminCreateUserComment: { access: admin('update', 'User'), handler: NOT_IMPLEMENTED }, // POST /users/comments
    adminUpdateUserComment: { access: admin('update', 'User'), handler: NOT_IMPLEMENTED }, // PUT /users/comments
    adminDeleteUserComment: { access: admin('update', 'User'), handler: NOT_IMPLEMENTED }, // DELETE /users/comments
    adminListUserApiKeys: { access: admin('read', 'APIKey'), handler: NOT_IMPLEMENTED }, // GET /api_keys
  };
}
