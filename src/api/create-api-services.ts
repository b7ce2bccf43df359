/** What the HTTP layer holds beside the domain: the contract, the session cookie, the presenter, the build. */
import { readFileSync } from 'node:fs';
import { loadContract, type Contract } from './contract.js';
import { SessionCookie } from './auth/session-cookie.js';
import { UserPresenter } from './presenters/user-presenter.js';
import { UserKycPresenter } from './presenters/user-kyc-presenter.js';
import type { BuildInfo } from './general/general-handlers.js';
import type { AreaDeps } from '../domain/create-shared-services.js';

export type ApiServicesDeps = Pick<AreaDeps, 'config' | 'encryptor'>;

export interface ApiServices {
  contract: Contract;
  cookie: SessionCookie;
  presenter: UserPresenter;
  /** The admin API's UserWithKYC, unmasked. */
  kycPresenter: UserKycPresenter;
  build: BuildInfo;
}

const packageVersion: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

function buildInfo(config: ApiServicesDeps['config']): BuildInfo {
  return {
    version: packageVersion,
    gitTag: config.build.gitTag ?? packageVersion,
    gitSha: config.build.gitSha ?? 'unknown',
    buildDate: config.build.buildDate ?? new Date().toISOString(),
  };
}

export function createApiServices(d: ApiServicesDeps): ApiServices {
  return {
    contract: loadContract(),
    cookie: new SessionCookie(d.config.session),
    presenter: new UserPresenter(d.encryptor),
    kycPresenter: new UserKycPresenter(d.encryptor),
    build: buildInfo(d.config),
  };
}
