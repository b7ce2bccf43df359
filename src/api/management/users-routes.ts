/** Management API routes. Users: get, list, create, update, import; profiles. */
import { NOT_IMPLEMENTED, management, type RouteTable } from '../types.js';

type UsersOperations =
  | 'managementGetUser'
  | 'managementListUsers'
  | 'managementCreateUser'
  | 'managementUpdateUser'
  | 'managementImportUser'
  | 'managementCreateProfile';

export function usersManagementRoutes(): Pick<RouteTable, UsersOperations> {
  return {
    managementGetUser: { access: management('read_users'), handler: NOT_IMPLEMENTED }, // POST /users/get
    managementListUsers: { access: management('read_users'), handler: NOT_IMPLEMENTED }, // POST /users/list
    managementCreateUser: { access: management('write_users'), handler: NOT_IMPLEMENTED }, // POST /users
    managementUpdateUser: { access: management('write_users'), handler: NOT_IMPLEMENTED }, // POST /users/update
    managementImportUser: { access: management('write_users'), handler: NOT_IMPLEMENTED }, // POST /users/import
    managementCreateProfile: { access: management('write_users'), handler: NOT_IMPLEMENTED }, // POST /profiles
  };
}
