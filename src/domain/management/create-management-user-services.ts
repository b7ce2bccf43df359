/** The management API's users and labels, over the account, KYC and label services the other APIs use. */
import type { AreaDeps } from '../create-shared-services.js';
import type { AccountServices } from '../accounts/create-account-services.js';
import type { KycServices } from '../kyc/create-kyc-services.js';
import { UserKycLoader } from '../admin/user-kyc.js';
import { ManagementUsers } from './management-users.js';
import { ManagementLabels } from './management-labels.js';

export type ManagementUserServicesDeps = Pick<AreaDeps, 'config' | 'uow' | 'encryptor' | 'privateLabels'> &
  Pick<AccountServices, 'registration' | 'accounts'> &
  Pick<KycServices, 'profiles' | 'fileStorage'>;

export interface ManagementUserServices {
  managementUsers: ManagementUsers;
  managementLabels: ManagementLabels;
}

export function createManagementUserServices(d: ManagementUserServicesDeps): ManagementUserServices {
  const { uow } = d;
  // The admin API's loader: documents linked for the upload-link lifetime.
  const kyc = new UserKycLoader({ storage: d.fileStorage, linkSeconds: d.config.uploads.urlExpirationSeconds });
  return {
    managementUsers: new ManagementUsers({
      uow,
      encryptor: d.encryptor,
      registration: d.registration,
      accounts: d.accounts,
      profiles: d.profiles,
      kyc,
    }),
    managementLabels: new ManagementLabels({ uow, privateLabels: d.privateLabels }),
  };
}
