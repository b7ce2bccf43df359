/** The admin API's own services: who may do what (abilities), and what it reads and changes. */
import type { Level } from '../../db/repositories/levels-repository.js';
import type { FileStorage } from '../../lib/storage/file-storage.js';
import type { AreaDeps } from '../create-shared-services.js';
import { Abilities } from './abilities.js';
import { AdminUserDirectory } from './admin-user-directory.js';
import { AdminUserChanges } from './admin-user-changes.js';
import { UserKycLoader } from './user-with-kyc.js';

export type AdminServicesDeps = Pick<AreaDeps, 'config' | 'uow' | 'privateLabels' | 'sessions'> & { fileStorage: FileStorage };

export interface AdminServices {
  abilities: Abilities;
  levels: { list(): Promise<Level[]> };
  /** Admins' reads of users; the KYC view's document links live as long as the owner's own. */
  userDirectory: AdminUserDirectory;
  userChanges: AdminUserChanges;
}

export function createAdminServices(d: AdminServicesDeps): AdminServices {
  const { config, uow } = d;
  const kyc = new UserKycLoader(d.fileStorage, config.uploads.urlExpirationSeconds);
  return {
    abilities: new Abilities(config.admin.abilities),
    levels: { list: () => uow.repos.levels.list() },
    userDirectory: new AdminUserDirectory(uow, kyc),
    userChanges: new AdminUserChanges({ uow, privateLabels: d.privateLabels, sessions: d.sessions }),
  };
}
