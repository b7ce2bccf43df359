/** Admin API routes. Permissions, restrictions and whitelinks. */
import { NOT_IMPLEMENTED, admin, type RouteTable } from '../types.js';

type AccessOperations = 'adminListPermissions' | 'adminCreatePermission' | 'adminUpdatePermission' | 'adminDeletePermission' | 'adminListRestrictions' | 'adminCreateRestriction' | 'adminUpdateRestriction' | 'adminDeleteRestriction' | 'adminCreateWhitelink';

export function accessRoutes(): Pick<RouteTable, AccessOperations> {
  return {
    adminListPermissions: { access: admin('read', 'Permission'), handler: NOT_IMPLEMENTED }, // GET /permissions
    adminCreatePermission: { access: admin('create', 'Permission'), handler: NOT_IMPLEMENTED }, // POST /permissions
    adminUpdatePermission: { access: admin('update', 'Permission'), handler: NOT_IMPLEMENTED }, // PUT /permissions
    adminDeletePermission: { access: admin('destroy', 'Permission'), handler: NOT_IMPLEMENTED }, // DELETE /permissions
    adminListRestrictions: { access: admin('read', 'Restriction'), handler: NOT_IMPLEMENTED }, // GET /restrictions
    adminCreateRestriction: { access: admin('create', 'Restriction'), handler: NOT_IMPLEMENTED }, // POST /restrictions
    adminUpdateRestriction: { access: admin('update', 'Restriction'), handler: NOT_IMPLEMENTED }, // PUT /restrictions
    adminDeleteRestriction: { access: admin('destroy', 'Restriction'), handler: NOT_IMPLEMENTED }, // DELETE /restrictions
    adminCreateWhitelink: { access: admin('create', 'Restriction'), handler: NOT_IMPLEMENTED }, // POST /restrictions/whitelink
  };
}
