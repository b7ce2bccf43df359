/** API keys of users and of their service accounts: created, changed and deleted with a TOTP code. */
import type { Encryptor } from '../../lib/encryptor.js';
import type { UnitOfWork } from '../unit-of-work.js';
import type { OtpCodes } from '../otp/otp-attempts.js';
import { ServiceAccountService } from '../service-accounts/service-account-service.js';
import { ApiKeySecrets } from './api-key-secrets.js';
import { ApiKeyService } from './api-key-service.js';

export interface ApiKeyServicesDeps {
  uow: UnitOfWork;
  encryptor: Encryptor;
  otpCodes: OtpCodes;
}

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
