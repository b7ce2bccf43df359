import type { Knex } from 'knex';
import { eachTranslatingErrors } from '../mysql-errors.js';
import { UsersRepository } from './users-repository.js';
import { UserSearchRepository } from './user-search-repository.js';
import { LabelsRepository } from './labels-repository.js';
import { LabelHoldersRepository } from './label-holders-repository.js';
import { LevelsRepository } from './levels-repository.js';
import { ActivitiesRepository } from './activities-repository.js';
import { RestrictionsRepository } from './restrictions-repository.js';
import { PermissionsRepository } from './permissions-repository.js';
import { PhonesRepository } from './phones-repository.js';
import { ProfilesRepository } from './profiles-repository.js';
import { DocumentsRepository } from './documents-repository.js';
import { ApiKeysRepository } from './api-keys-repository.js';
import { ServiceAccountsRepository } from './service-accounts-repository.js';
import { DataStoragesRepository } from './data-storages-repository.js';
import { CommentsRepository } from './comments-repository.js';
import { PersonalDataRepository } from './personal-data-repository.js';
import { SigningKeysRepository } from './signing-keys-repository.js';
import { SecretColumnsRepository } from './secret-columns-repository.js';
import { SecretRewriteCheckpointsRepository } from './secret-rewrite-checkpoints-repository.js';
import { AccountDetailsRepository } from './account-details-repository.js';

/**
 * Every repository over one connection or transaction, so a service can write several tables atomically. Their
 * methods throw domain errors (db-errors.ts), never the driver's codes: callers catch `UniqueViolation`.
 */
export function repositories(db: Knex) {
  return eachTranslatingErrors({
    users: new UsersRepository(db),
    userSearch: new UserSearchRepository(db),
    labels: new LabelsRepository(db),
    labelHolders: new LabelHoldersRepository(db),
    levels: new LevelsRepository(db),
    activities: new ActivitiesRepository(db),
    restrictions: new RestrictionsRepository(db),
    permissions: new PermissionsRepository(db),
    phones: new PhonesRepository(db),
    profiles: new ProfilesRepository(db),
    documents: new DocumentsRepository(db),
    apiKeys: new ApiKeysRepository(db),
    serviceAccounts: new ServiceAccountsRepository(db),
    dataStorages: new DataStoragesRepository(db),
    comments: new CommentsRepository(db),
    personalData: new PersonalDataRepository(db),
    signingKeys: new SigningKeysRepository(db),
    secretColumns: new SecretColumnsRepository(db),
    secretCheckpoints: new SecretRewriteCheckpointsRepository(db),
    accountDetails: new AccountDetailsRepository(db),
  });
}

export type Repositories = ReturnType<typeof repositories>;
