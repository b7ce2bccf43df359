/** The admin API's part of the route table (`/api/v2/barong/admin`): each access names the ability it needs. */
import type { RouteTable } from '../types.js';
import { accessRoutes, type AccessRouteDeps } from './access-routes.js';
import { kycRoutes, type KycRouteDeps } from './kyc-routes.js';
import { labelsRoutes, type LabelsRouteDeps } from './labels-routes.js';
import { recordsRoutes, type RecordsRouteDeps } from './records-routes.js';
import { usersRoutes, type UsersRouteDeps } from './users-routes.js';

type AdminOperation = Extract<keyof RouteTable, `admin${string}`>;

export type AdminRouteDeps = KycRouteDeps & RecordsRouteDeps & UsersRouteDeps & LabelsRouteDeps & AccessRouteDeps;

export function adminRoutes(d: AdminRouteDeps): Pick<RouteTable, AdminOperation> {
  return { ...usersRoutes(d), ...recordsRoutes(d), ...labelsRoutes(d), ...accessRoutes(d), ...kycRoutes(d) };
}
