/** Management API routes. Users: get, list, create, update, import; profiles. */
import { management, type RouteTable } from '../types.js';
import { createManagementUsersHandlers, type ManagementUsersRouteDeps } from './users-handlers.js';

type UsersOperations =
  | 'managementGetUser'
  | 'managementListUsers'
  | 'managementCreateUser'
  | 'managementUpdateUser'
  | 'managementImportUser'
  | 'managementCreateProfile';

export function usersManagementRoutes(d: ManagementUsersRouteDeps): Pick<RouteTable, UsersOperations> {
  const h = createManagementUsersHandlers(d);
  return {
    managementGetUser: { access: management('read_users'), handler: h.managementGetUser }, // POST /users/get
    managementListUsers: { access: management('read_users'), handler: h.managementListUsers }, // POST /users/list
    managementCreateUser: { access: management('write_users'), handler: h.managementCreateUser }, // POST /users
    managementUpdateUser: { access: management('write_users'), handler: h.managementUpdateUser }, // POST /users/update
    managementImportUser: { access: management('write_users'), handler: h.managementImportUser }, // POST /users/import
    managementCreateProfile: { access: management('write_users'), handler: h.managementCreateProfile }, // POST /profiles
  };
}
