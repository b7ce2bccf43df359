/** Admin API routes. Profiles, levels, abilities, activities and metrics. */
import { NOT_IMPLEMENTED, admin, type Handler, type RouteTable } from '../types.js';
import type { Abilities } from '../../domain/admin/abilities.js';
import type { Level } from '../../db/repositories/levels-repository.js';

export interface KycRouteDeps {
  abilities: Abilities;
  levels: { list(): Promise<Level[]> };
}

type KycOperations = 'adminListProfiles' | 'adminCreateProfile' | 'adminSetProfileState' | 'adminListLevels' | 'adminGetAbilities' | 'adminListUserActivities' | 'adminListAdminActivities' | 'adminGetMetrics';

export function kycRoutes(d: KycRouteDeps): Pick<RouteTable, KycOperations> {
  const adminListLevels: Handler<'adminListLevels'> = async () => ({ status: 200, body: await d.levels.list() });
  const adminGetAbilities: Handler<'adminGetAbilities'> = (req) => ({
    status: 200,
    body: d.abilities.of(req.auth!.user!.role),
  });
  return {
    adminListProfiles: { access: admin('read', 'Profile'), handler: NOT_IMPLEMENTED }, // GET /profiles
    adminCreateProfile: { access: admin('create', 'Profile'), handler: NOT_IMPLEMENTED }, // POST /profiles
    adminSetProfileState: { access: admin('update', 'Profile'), handler: NOT_IMPLEMENTED }, // PUT /profiles
    adminListLevels: { access: admin('read', 'Level'), handler: adminListLevels }, // GET /levels
    adminGetAbilities: { access: admin('read', 'Ability'), handler: adminGetAbilities }, // GET /abilities
    adminListUserActivities: { access: admin('read', 'Activity'), handler: NOT_IMPLEMENTED }, // GET /activities
    adminListAdminActivities: { access: admin('read', 'Activity'), handler: NOT_IMPLEMENTED }, // GET /activities/admin
    adminGetMetrics: { access: admin('read', 'Activity'), handler: NOT_IMPLEMENTED }, // GET /metrics
  };
}
