/**
 * Signing in and the budgets that protect it: password and Auth0 logins, and the per-account and per-IP limits on
 * login attempts, code requests, sign-ups and password scoring, counted in Redis so they hold across processes.
 */
import { createAuth0Verifier } from '../auth0/auth0-token-verifier.js';
import { Auth0LoginService } from '../auth0/auth0-login-service.js';
import { AttemptLimiter, IpLimiter } from './attempt-limiter.js';
import { LoginService } from './login-service.js';
import type { AreaDeps } from '../create-shared-services.js';

export type SessionServicesDeps = Pick<
  AreaDeps,
  | 'config'
  | 'logger'
  | 'metrics'
  | 'redis'
  | 'redisKeys'
  | 'uow'
  | 'hasher'
  | 'privateLabels'
  | 'otpCodes'
  | 'captcha'
  | 'sessions'
>;

export interface SessionServices {
  /** Password checks of logins, and of signed-in users (one per-account budget for both). */
  loginThrottle: AttemptLimiter;
  /** Requests for confirmation and reset links. */
  codeRequests: AttemptLimiter;
  /** Anonymous requests that cost work (an argon2 hash and a mail; zxcvbn), limited per IP before the work. */
  signUps: IpLimiter;
  passwordScoring: IpLimiter;
  login: LoginService;
  auth0: Auth0LoginService;
}

export function createSessionServices(d: SessionServicesDeps): SessionServices {
  const { config, redis, redisKeys } = d;
  const { limits } = config;
  const loginThrottle = new AttemptLimiter(
    redis,
    redisKeys,
    'login',
    {
      perAccount: limits.loginMaxAttempts,
      perIp: limits.loginMaxAttemptsPerIp,
      windowSeconds: limits.loginWindowSeconds,
    },
    'identity.session.too_many_attempts',
  );
  return {
    loginThrottle,
    codeRequests: new AttemptLimiter(
      redis,
      redisKeys,
      'codes',
      {
        perAccount: limits.codeRequestsMax,
        perIp: limits.codeRequestsMaxPerIp,
        windowSeconds: limits.codeRequestsWindowSeconds,
      },
      'identity.user.too_many_requests',
    ),
    signUps: new IpLimiter(redis, redisKeys, 'signups', {
      perIp: limits.signUpMaxPerIp,
      windowSeconds: limits.signUpWindowSeconds,
    }),
    passwordScoring: new IpLimiter(redis, redisKeys, 'password_validate', {
      perIp: limits.passwordValidateMaxPerIp,
      windowSeconds: limits.passwordValidateWindowSeconds,
    }),
    login: new LoginService({
      uow: d.uow,
      hasher: d.hasher,
      codes: d.otpCodes,
      captcha: d.captcha,
      throttle: loginThrottle,
      sessions: d.sessions,
      metrics: d.metrics,
    }),
    auth0: new Auth0LoginService({
      config,
      verifier: createAuth0Verifier(config, d.logger),
      uow: d.uow,
      hasher: d.hasher,
      privateLabels: d.privateLabels,
    }),
  };
}
