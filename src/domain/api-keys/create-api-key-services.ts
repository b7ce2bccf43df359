/** API keys of users and of their service accounts: created, changed and deleted with a TOTP code. */
import { ServiceAccountService } from '../service-accounts/service-account-service.js';
import { ApiKeySecrets } from './api-key-secrets.js';
import { ApiKeyService } from './api-key-service.js';
import type { AreaDeps } from '../create-shared-services.js';
import type { OtpServices } from '../otp/create-otp-services.js';

export type ApiKeyServicesDeps = Pick<AreaDeps, 'uow' | 'encryptor'> & Pick<OtpServices, 'otpCodes'>;

export interface ApiKeyServices {
  apiKeyService: ApiKeyService;
  apiKeySecrets: ApiKeySecrets;
  serviceAccountService: ServiceAccountService;
}

export function createApiKeyServices(d: ApiKeyServicesDeps): ApiKeyServices {
  return {
    apiKeyService: new ApiKeyService({ uow: d.uow, codes: d.otpCodes, encryptor: d.encryptor }),
    apiKeySecrets: new ApiKeySecrets(() => d.uow.repos, d.encryptor),
    serviceAccountService: new ServiceAccountService(d.uow),
  };
}
