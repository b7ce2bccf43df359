/** The admin API's own services: who may do what (abilities), and what it reads and changes. */
import type { Level } from '../../db/repositories/levels-repository.js';
import type { AreaDeps } from '../create-shared-services.js';
import type { KycServices } from '../kyc/create-kyc-services.js';
import { Abilities } from './abilities.js';
import { ActivitiesAdmin } from './activities-admin.js';
import { ProfilesAdmin } from './profiles-admin.js';

export type AdminServicesDeps = Pick<AreaDeps, 'config' | 'uow'> & Pick<KycServices, 'profiles'>;

export interface AdminServices {
  abilities: Abilities;
  levels: { list(): Promise<Level[]> };
  profilesAdmin: ProfilesAdmin;
  activitiesAdmin: ActivitiesAdmin;
}

export function createAdminServices(d: AdminServicesDeps): AdminServices {
  const { config, uow } = d;
  return {
    abilities: new Abilities(config.admin.abilities),
    levels: { list: () => uow.repos.levels.list() },
    profilesAdmin: new ProfilesAdmin({ uow, profiles: d.profiles, rules: config.admin }),
    activitiesAdmin: new ActivitiesAdmin(uow),
  };
}
