/** Admin API routes. Profiles, levels, abilities, activities and metrics. */
import { admin, type Handler, type RouteTable } from '../types.js';
import type { Abilities } from '../../domain/admin/abilities.js';
import type { Level } from '../../db/repositories/levels-repository.js';
import { createKycHandlers, type KycHandlerDeps } from './kyc-handlers.js';

export interface KycRouteDeps extends KycHandlerDeps {
  abilities: Abilities;
  levels: { list(): Promise<Level[]> };
}

type KycOperations =
  | 'adminListProfiles'
  | 'adminCreateProfile'
  | 'adminSetProfileState'
  | 'adminListLevels'
  | 'adminGetAbilities'
  | 'adminListUserActivities'
  | 'adminListAdminActivities'
  | 'adminGetMetrics';

export function kycRoutes(d: KycRouteDeps): Pick<RouteTable, KycOperations> {
  const adminListLevels: Handler<'adminListLevels'> = async () => ({ status: 200, body: await d.levels.list() });
  const adminGetAbilities: Handler<'adminGetAbilities'> = (req) => ({
    status: 200,
    body: d.abilities.of(req.auth!.user!.role),
  });
  const h = createKycHandlers(d);
  return {
    adminListProfiles: { access: admin('read', 'Profile'), handler: h.adminListProfiles }, // GET /profiles
    adminCreateProfile: { access: admin('create', 'Profile'), handler: h.adminCreateProfile }, // POST /profiles
    adminSetProfileState: { access: admin('update', 'Profile'), handler: h.adminSetProfileState }, // PUT /profiles
    adminListLevels: { access: admin('read', 'Level'), handler: adminListLevels }, // GET /levels
    adminGetAbilities: { access: admin('read', 'Ability'), handler: adminGetAbilities }, // GET /abilities
    adminListUserActivities: { access: admin('read', 'Activity'), handler: h.adminListUserActivities }, // GET /activities
    adminListAdminActivities: { access: admin('read', 'Activity'), handler: h.adminListAdminActivities }, // GET /activities/admin
    adminGetMetrics: { access: admin('read', 'Activity'), handler: h.adminGetMetrics }, // GET /metrics
  };
}
