/** API keys of users and of their service accounts (changed with a TOTP code, or by the exchange's services); service accounts. */
import { ServiceAccountService } from '../service-accounts/service-account-service.js';
import { ApiKeySecrets } from './api-key-secrets.js';
import { ApiKeyService } from './api-key-service.js';
import { ManagementApiKeyService } from './management-api-key-service.js';
import { ManagementServiceAccountService } from '../service-accounts/management-service-account-service.js';
import type { AreaDeps } from '../create-shared-services.js';
import type { OtpServices } from '../otp/create-otp-services.js';

export type ApiKeyServicesDeps = Pick<AreaDeps, 'config' | 'uow' | 'encryptor'> & Pick<OtpServices, 'otpCodes'>;

export interface ApiKeyServices {
  apiKeyService: ApiKeyService;
  apiKeySecrets: ApiKeySecrets;
  serviceAccountService: ServiceAccountService;
  managementApiKeys: ManagementApiKeyService;
  managementServiceAccounts: ManagementServiceAccountService;
}

export function createApiKeyServices(d: ApiKeyServicesDeps): ApiKeyServices {
  const apiKeyService = new ApiKeyService({ uow: d.uow, codes: d.otpCodes, encryptor: d.encryptor });
  const { management, app } = d.config;
  return {
    apiKeyService,
    apiKeySecrets: new ApiKeySecrets(() => d.uow.repos, d.encryptor),
    serviceAccountService: new ServiceAccountService(d.uow),
    managementApiKeys: new ManagementApiKeyService({
      uow: d.uow,
      keys: apiKeyService,
      uidPrefix: app.uidPrefix,
      forUsers: management.apiKeysForUsers,
      forServiceAccounts: management.apiKeysForServiceAccounts,
    }),
    managementServiceAccounts: new ManagementServiceAccountService(d.uow),
  };
}
