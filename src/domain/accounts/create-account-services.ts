/** The account: signing up and confirming it, resetting its password, and what its owner changes in it. */
import type { Config } from '../../config.js';
import type { UnitOfWork } from '../unit-of-work.js';
import type { PasswordHasher } from '../password-hasher.js';
import type { PasswordPolicy } from '../password-policy.js';
import type { PrivateLabels } from '../labels/private-labels.js';
import { PublicLabels } from '../labels/public-labels.js';
import { DataStorageService } from '../data-storage/data-storage-service.js';
import type { AccountTokens } from '../tokens/account-tokens.js';
import type { SessionStore } from '../sessions/session-store.js';
import type { AttemptLimiter } from '../sessions/attempt-limiter.js';
import type { CaptchaVerifier } from '../captcha/captcha.js';
import type { OtpCodes } from '../otp/otp-attempts.js';
import { AccountLinks } from './account-links.js';
import { AccountService } from './account-service.js';
import { PasswordResetService } from './password-reset-service.js';
import { RegistrationService } from './registration-service.js';

export interface AccountServicesDeps {
  config: Config;
  uow: UnitOfWork;
  hasher: PasswordHasher;
  passwordPolicy: PasswordPolicy;
  privateLabels: PrivateLabels;
  tokens: AccountTokens;
  sessions: SessionStore;
  captcha: CaptchaVerifier;
  codeRequests: AttemptLimiter;
  loginThrottle: AttemptLimiter;
  otpCodes: OtpCodes;
}

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
    registration: new RegistrationService({ config, uow, hasher, passwordPolicy, privateLabels, tokens, links, captcha, codeRequests }),
    passwordReset: new PasswordResetService({ config, uow, hasher, passwordPolicy, tokens, captcha, codeRequests, sessions }),
    accounts: new AccountService({ config, uow, hasher, passwordPolicy, privateLabels, sessions, otpCodes: d.otpCodes, passwordAttempts: d.loginThrottle }),
    publicLabels: new PublicLabels(uow),
    dataStorage: new DataStorageService({ uow, privateLabels, titles: config.userStorageTitles }),
  };
}
