/** Admin API routes. Permissions, restrictions and whitelinks. */
import { admin, type RouteTable } from '../types.js';
import { createAccessHandlers, type AccessRouteDeps } from './access-handlers.js';

export type { AccessRouteDeps } from './access-handlers.js';

type AccessOperations =
  | 'adminListPermissions'
  | 'adminCreatePermission'
  | 'adminUpdatePermission'
  | 'adminDeletePermission'
  | 'adminListRestrictions'
  | 'adminCreateRestriction'
  | 'adminUpdateRestriction'
  | 'adminDeleteRestriction'
  | 'adminCreateWhitelink';

export function accessRoutes(d: AccessRouteDeps): Pick<RouteTable, AccessOperations> {
  const h = createAccessHandlers(d);
  return {
    adminListPermissions: { access: admin('read', 'Permission'), handler: h.adminListPermissions }, // GET /permissions
    adminCreatePermission: { access: admin('create', 'Permission'), handler: h.adminCreatePermission }, // POST /permissions
    adminUpdatePermission: { access: admin('update', 'Permission'), handler: h.adminUpdatePermission }, // PUT /permissions
    adminDeletePermission: { access: admin('destroy', 'Permission'), handler: h.adminDeletePermission }, // DELETE /permissions
    adminListRestrictions: { access: admin('read', 'Restriction'), handler: h.adminListRestrictions }, // GET /restrictions
    adminCreateRestriction: { access: admin('create', 'Restriction'), handler: h.adminCreateRestriction }, // POST /restrictions
    adminUpdateRestriction: { access: admin('update', 'Restriction'), handler: h.adminUpdateRestriction }, // PUT /restrictions
    adminDeleteRestriction: { access: admin('destroy', 'Restriction'), handler: h.adminDeleteRestriction }, // DELETE /restrictions
    adminCreateWhitelink: { access: admin('create', 'Restriction'), handler: h.adminCreateWhitelink }, // POST /restrictions/whitelink
  };
}
