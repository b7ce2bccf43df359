/** The admin API's own services: who may do what (abilities), and what it reads and changes. */
import type { Level } from '../../db/repositories/levels-repository.js';
import type { AreaDeps } from '../create-shared-services.js';
import { Abilities } from './abilities.js';

export type AdminServicesDeps = Pick<AreaDeps, 'config' | 'uow'>;

export interface AdminServices {
  abilities: Abilities;
  levels: { list(): Promise<Level[]> };
}

export function createAdminServices(d: AdminServicesDeps): AdminServices {
  const { config, uow } = d;
  return {
    abilities: new Abilities(config.admin.abilities),
    levels: { list: () => uow.repos.levels.list() },
  };
}
