/** The management API's part of the route table (`/api/v2/barong/management`): each access names its signing scope. */
import type { RouteTable } from '../types.js';
import { accountsManagementRoutes } from './accounts-routes.js';
import { kycManagementRoutes } from './kyc-routes.js';
import type { KycManagementDeps } from './kyc-handlers.js';
import type { AccountsManagementDeps } from './accounts-handlers.js';
import { labelsManagementRoutes } from './labels-routes.js';
import type { ManagementLabelsRouteDeps } from './labels-handlers.js';
import { toolsManagementRoutes, type ToolsManagementDeps } from './tools-routes.js';
import { usersManagementRoutes } from './users-routes.js';
import type { ManagementUsersRouteDeps } from './users-handlers.js';

type ManagementOperation = Extract<keyof RouteTable, `management${string}`>;

/** What the groups' handlers need. */
export type ManagementRouteDeps = KycManagementDeps &
  AccountsManagementDeps &
  ToolsManagementDeps &
  ManagementUsersRouteDeps &
  ManagementLabelsRouteDeps;

export function managementRoutes(d: ManagementRouteDeps): Pick<RouteTable, ManagementOperation> {
  return {
    ...usersManagementRoutes(d),
    ...labelsManagementRoutes(d),
    ...kycManagementRoutes(d),
    ...accountsManagementRoutes(d),
    ...toolsManagementRoutes(d),
  };
}
