/** The admin API's own services: who may do what (abilities), and what it reads and changes. */
import type { Level } from '../../db/repositories/levels-repository.js';
import type { AreaDeps } from '../create-shared-services.js';
import { PublicLabels } from '../labels/public-labels.js';
import { Abilities } from './abilities.js';
import { LabelsAdmin } from './labels-admin.js';

export type AdminServicesDeps = Pick<AreaDeps, 'config' | 'uow' | 'privateLabels'>;

export interface AdminServices {
  abilities: Abilities;
  levels: { list(): Promise<Level[]> };
  labelsAdmin: LabelsAdmin;
}

export function createAdminServices(d: AdminServicesDeps): AdminServices {
  const { config, uow } = d;
  return {
    abilities: new Abilities(config.admin.abilities),
    levels: { list: () => uow.repos.levels.list() },
    // PublicLabels keeps no state: this one applies the same rules as the resource API's.
    labelsAdmin: new LabelsAdmin({ uow, privateLabels: d.privateLabels, publicLabels: new PublicLabels(uow) }),
  };
}
