/**
 * The small endpoints Barong serves under /identity and /public alike (ping, time, version, configs, password
 * checks), and the public KYC callback.
 */
import type { Config } from '../../config/index.js';
import type { PasswordPolicy } from '../../domain/password-policy.js';
import type { IpLimiter } from '../../domain/sessions/attempt-limiter.js';
import type { Handler } from '../types.js';
import { unprocessable } from '../../errors/app-error.js';
import { requestContext } from '../auth/auth-context.js';
import type { ErrorKey } from '../../errors/error-keys.js';

export interface BuildInfo {
  version: string;
  gitTag: string;
  gitSha: string;
  buildDate: string;
}

/** `scoring`: one per-IP budget for both password/validate operations (Barong has none; each score costs CPU). */
export function createGeneralHandlers(
  config: Config,
  passwordPolicy: PasswordPolicy,
  build: BuildInfo,
  scoring: IpLimiter,
) {
  const ping = () => ({ status: 200 as const, body: { ping: 'pong' } });
  const time = () => ({ status: 200 as const, body: { time: Math.floor(Date.now() / 1000) } });
  const version = () => ({
    status: 200 as const,
    body: { git_tag: build.gitTag, git_sha: build.gitSha, build_date: build.buildDate, version: build.version },
  });
  // Barong emits its Ruby Regexp stringified; clients (baseapp) strip the wrapper.
  const configsBody = {
    session_expire_time: config.session.expireTime,
    captcha_type: config.captcha.type,
    ...(config.captcha.type === 'recaptcha' ? { captcha_id: config.captcha.recaptcha.siteKey } : {}),
    ...(config.captcha.type === 'geetest' ? { captcha_id: config.captcha.geetest.id } : {}),
    phone_verification_type: config.phoneVerification,
    password_min_entropy: config.password.minEntropy,
    password_regexp: `(?-mix:${config.password.regexpSource})`,
  };
  const configs = () => ({ status: 200 as const, body: configsBody });
  const validate = async (ip: string, password: string, tooMany: ErrorKey) => {
    await scoring.take(ip, tooMany);
    return { status: 201 as const, body: { entropy: await passwordPolicy.entropy(password) } };
  };

  const identityPing: Handler<'identityPing'> = ping;
  const publicPing: Handler<'publicPing'> = ping;
  const getIdentityTime: Handler<'getIdentityTime'> = time;
  const getPublicTime: Handler<'getPublicTime'> = time;
  const getIdentityVersion: Handler<'getIdentityVersion'> = version;
  const getPublicVersion: Handler<'getPublicVersion'> = version;
  const getIdentityConfigs: Handler<'getIdentityConfigs'> = configs;
  const getPublicConfigs: Handler<'getPublicConfigs'> = configs;
  const validateIdentityPassword: Handler<'validateIdentityPassword'> = (req) =>
    validate(requestContext(req).ip, req.body.password, 'identity.general.too_many_requests');
  const validatePublicPassword: Handler<'validatePublicPassword'> = (req) =>
    validate(requestContext(req).ip, req.body.password, 'public.general.too_many_requests');
  const getAuth0Config: Handler<'getAuth0Config'> = () => ({
    status: 200,
    body: { auth0_domain: config.auth0.domain ?? null, auth0_client_id: config.auth0.clientId ?? null },
  });

  // Barong parity: with the local KYC provider (the only one this server has) the webhook is refused with 422.
  const kycCallback: Handler<'kycCallback'> = () => {
    throw unprocessable('public.kyc.local_provider');
  };

  return {
    kycCallback,
    identityPing,
    publicPing,
    getIdentityTime,
    getPublicTime,
    getIdentityVersion,
    getPublicVersion,
    getIdentityConfigs,
    getPublicConfigs,
    validateIdentityPassword,
    validatePublicPassword,
    getAuth0Config,
  };
}
