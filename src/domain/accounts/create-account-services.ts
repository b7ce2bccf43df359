/** The account: signing up and confirming it, resetting its password, and what its owner changes in it. */
import { PublicLabels } from '../labels/public-labels.js';
import { DataStorageService } from '../data-storage/data-storage-service.js';
import { AccountLinks } from './account-links.js';
import { AccountService } from './account-service.js';
import { PasswordResetService } from './password-reset-service.js';
import { RegistrationService } from './registration-service.js';
import type { AreaDeps } from '../create-shared-services.js';
import type { SessionServices } from '../sessions/create-session-services.js';
import type { OtpServices } from '../otp/create-otp-services.js';

export type AccountServicesDeps = Pick<
  AreaDeps,
  'config' | 'uow' | 'hasher' | 'passwordPolicy' | 'privateLabels' | 'tokens' | 'sessions' | 'captcha'
> &
  Pick<SessionServices, 'codeRequests' | 'loginThrottle'> &
  Pick<OtpServices, 'otpCodes'>;

export interface AccountServices {
  registration: RegistrationService;
  passwordReset: PasswordResetService;
  accounts: AccountService;
  publicLabels: PublicLabels;
  dataStorage: DataStorageService;
}

export function createAccountServices(d: AccountServicesDeps): AccountServices {
  const { config, uow, hasher, passwordPolicy, privateLabels, tokens, sessions, captcha, codeRequests } = d;
  const links = new AccountLinks(config, tokens);
  return {
    registration: new RegistrationService({
      config,
      uow,
      hasher,
      passwordPolicy,
      privateLabels,
      tokens,
      links,
      captcha,
      codeRequests,
    }),
    passwordReset: new PasswordResetService({
      config,
      uow,
      hasher,
      passwordPolicy,
      tokens,
      captcha,
      codeRequests,
      sessions,
    }),
    accounts: new AccountService({
      config,
      uow,
      hasher,
      passwordPolicy,
      privateLabels,
      sessions,
      otpCodes: d.otpCodes,
      passwordAttempts: d.loginThrottle,
    }),
    publicLabels: new PublicLabels(uow),
    dataStorage: new DataStorageService({ uow, privateLabels, titles: config.userStorageTitles }),
  };
}
