/** The admin API's own services: who may do what (abilities), and what it reads and changes. */
import type { Level } from '../../db/repositories/levels-repository.js';
import type { AreaDeps } from '../create-shared-services.js';
import type { KycServices } from '../kyc/create-kyc-services.js';
import { Abilities } from './abilities.js';
import { PublicLabels } from '../labels/public-labels.js';
import { LabelsAdmin } from './labels-admin.js';
import { UserKycLoader } from './user-kyc.js';
import { UserRecordsAdmin } from './user-records-admin.js';
import { AdminUserDirectory } from './admin-user-directory.js';
import { AdminUserChanges } from './admin-user-changes.js';
import { AccountErasure } from './account-erasure.js';

import { ActivitiesAdmin } from './activities-admin.js';
import { ProfilesAdmin } from './profiles-admin.js';
import { QueueBoardAudit } from './queue-board-audit.js';

export type AdminServicesDeps = Pick<AreaDeps, 'config' | 'logger' | 'uow' | 'privateLabels' | 'sessions'> &
  Pick<KycServices, 'fileStorage' | 'profiles'>;

export interface AdminServices {
  abilities: Abilities;
  levels: { list(): Promise<Level[]> };
  /** What compliance reviews of a user (UserWithKYC). */
  userKyc: UserKycLoader;
  userRecords: UserRecordsAdmin;
  /** Admins' reads of users: lists, users with pending documents, one user. */
  userDirectory: AdminUserDirectory;
  /** A user's state, 2FA, e-mail and role. */
  userChanges: AdminUserChanges;
  /** A user's personal data and files erased (the admin API and the operators' CLI). */
  accountErasure: AccountErasure;
  labelsAdmin: LabelsAdmin;
  profilesAdmin: ProfilesAdmin;
  activitiesAdmin: ActivitiesAdmin;
  /** The admin activities of changes made through the queue dashboard. */
  queueBoardAudit: QueueBoardAudit;
}

export function createAdminServices(d: AdminServicesDeps): AdminServices {
  const { config, uow } = d;
  const userKyc = new UserKycLoader({ storage: d.fileStorage, linkSeconds: config.uploads.urlExpirationSeconds });
  return {
    abilities: new Abilities(config.admin.abilities),
    levels: { list: () => uow.repos.levels.list() },
    userKyc,
    userRecords: new UserRecordsAdmin({ uow, kyc: userKyc }),
    userDirectory: new AdminUserDirectory(uow, userKyc),
    userChanges: new AdminUserChanges({ uow, privateLabels: d.privateLabels, sessions: d.sessions }),
    accountErasure: new AccountErasure({
      uow,
      storage: d.fileStorage,
      sessions: d.sessions,
      logger: d.logger,
      holdDays: config.retention.erasureHoldDays,
    }),
    // PublicLabels keeps no state: this one applies the same rules as the resource API's.
    labelsAdmin: new LabelsAdmin({ uow, privateLabels: d.privateLabels, publicLabels: new PublicLabels(uow) }),
    profilesAdmin: new ProfilesAdmin({ uow, profiles: d.profiles, rules: config.admin }),
    activitiesAdmin: new ActivitiesAdmin(uow),
    queueBoardAudit: new QueueBoardAudit(uow),
  };
}
