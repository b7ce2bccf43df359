/**
 * The composition root: builds every long-lived dependency once from the configuration and wires the app.
 * main.ts and the tests both go through here, so they run the same graph.
 */
import { readFileSync } from 'node:fs';
import type { Express } from 'express';
import type { Config } from './config.js';
import type { Logger } from './lib/logger.js';
import { createKnex, type Knex } from './db/knex.js';
import { createRedis, RedisKeys, type Redis } from './lib/redis.js';
import { loadSigningKey } from './lib/signing-key.js';
import { jwtKeysFrom, type JwtKeys } from './lib/jwt-keys.js';
import { Encryptor } from './lib/encryptor.js';
import { loadContract, type Contract } from './api/contract.js';
import { PasswordPolicy } from './domain/password-policy.js';
import { PasswordHasher } from './domain/password-hasher.js';
import { EventDispatcher } from './domain/events/domain-events.js';
import { UnitOfWork } from './domain/unit-of-work.js';
import { PrivateLabels } from './domain/labels/private-labels.js';
import { AccountTokens } from './domain/tokens/account-tokens.js';
import { SessionStore } from './domain/sessions/session-store.js';
import { AttemptLimiter } from './domain/sessions/login-throttle.js';
import { LoginService } from './domain/sessions/login-service.js';
import { Totp } from './domain/otp/totp.js';
import { RegistrationService } from './domain/accounts/registration-service.js';
import { PasswordResetService } from './domain/accounts/password-reset-service.js';
import type { CaptchaVerifier } from './domain/captcha/captcha.js';
import { createCaptchaVerifier, createGeetestClient } from './domain/captcha/create-captcha-verifier.js';
import { createAuth0Verifier } from './domain/auth0/auth0-token-verifier.js';
import { Auth0LoginService } from './domain/auth0/auth0-login-service.js';
import { WhitelinkService } from './domain/restrictions/whitelink-service.js';
import { createMailQueue, type MailQueue } from './queues/mail-queue.js';
import { mailSubscriber } from './queues/mail-subscriber.js';
import { buildRouteTable } from './api/routes.js';
import type { BuildInfo } from './api/general/general-handlers.js';
import type { RouteTable } from './api/types.js';
import { createOperatorRoutes } from './api/operator/operator-routes.js';
import { UserPresenter } from './api/presenters/user-presenter.js';
import { SessionCookie } from './api/auth/session-cookie.js';
import { sessionGuard } from './api/auth/session-guard.js';
import { userGuard } from './api/auth/user-guard.js';
import { SessionJwt } from './domain/tokens/session-jwt.js';
import { SessionOpener } from './api/identity/session-opener.js';
import { createApp } from './app.js';

const packageVersion: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

function buildInfo(config: Config): BuildInfo {
  return {
    version: packageVersion,
    gitTag: config.build.gitTag ?? packageVersion,
    gitSha: config.build.gitSha ?? 'unknown',
    buildDate: config.build.buildDate ?? new Date().toISOString(),
  };
}

export async function createServices(config: Config, logger: Logger) {
  const knex: Knex = createKnex(config.database);
  const redis: Redis = createRedis(config.redisUrl);
  const redisKeys = new RedisKeys(config.redisPrefix);
  const jwtKeys: JwtKeys = await jwtKeysFrom(loadSigningKey(config, logger));
  const encryptor = new Encryptor(config.encryptionKeys);
  const passwordPolicy = new PasswordPolicy(config.password);
  const hasher = new PasswordHasher(config.hashing);
  const mailQueue: MailQueue = createMailQueue({ redisUrl: config.redisUrl, prefix: config.redisPrefix });

  const dispatcher = new EventDispatcher(logger);
  dispatcher.subscribe('mail', mailSubscriber(mailQueue));
  const uow = new UnitOfWork(knex, dispatcher);

  const privateLabels = new PrivateLabels(config);
  const tokens = new AccountTokens(jwtKeys, redis, redisKeys, config.jwt.expireTime);
  const sessions = new SessionStore(redis, redisKeys, config.session.expireTime);
  const totp = new Totp(encryptor, config.app.name);
  const geetest = createGeetestClient(config, logger);
  const captcha: CaptchaVerifier = createCaptchaVerifier(config, logger, geetest);
  const { limits } = config;
  const loginThrottle = new AttemptLimiter(
    redis,
    redisKeys,
    'login',
    { perAccount: limits.loginMaxAttempts, perIp: limits.loginMaxAttemptsPerIp, windowSeconds: limits.loginWindowSeconds },
    'identity.session.too_many_attempts',
  );
  const codeRequests = new AttemptLimiter(
    redis,
    redisKeys,
    'codes',
    { perAccount: limits.codeRequestsMax, perIp: limits.codeRequestsMaxPerIp, windowSeconds: limits.codeRequestsWindowSeconds },
    'identity.user.too_many_requests',
  );

  const registration = new RegistrationService({ config, uow, hasher, passwordPolicy, privateLabels, tokens, captcha, codeRequests });
  const passwordReset = new PasswordResetService({ config, uow, hasher, passwordPolicy, tokens, captcha, codeRequests, sessions });
  const login = new LoginService({ uow, hasher, totp, captcha, throttle: loginThrottle, sessions });
  const auth0 = new Auth0LoginService({ config, verifier: createAuth0Verifier(config, logger), uow, hasher, privateLabels });
  const whitelink = new WhitelinkService(redis, redisKeys, uow, logger);
  const sessionJwt = new SessionJwt(jwtKeys, config.jwt.expireTime);

  return {
    config,
    logger,
    knex,
    redis,
    redisKeys,
    jwtKeys,
    encryptor,
    contract: loadContract() as Contract,
    passwordPolicy,
    hasher,
    mailQueue,
    dispatcher,
    uow,
    privateLabels,
    tokens,
    sessions,
    totp,
    registration,
    passwordReset,
    login,
    geetest,
    auth0,
    whitelink,
    sessionJwt,
    presenter: new UserPresenter(encryptor),
    cookie: new SessionCookie(config.session),
    build: buildInfo(config),
    async close() {
      await Promise.allSettled([mailQueue.close(), knex.destroy(), redis.quit()]);
    },
  };
}

export type Services = Awaited<ReturnType<typeof createServices>>;

export function composeApp(services: Services): { app: Express; routes: RouteTable } {
  const opener = new SessionOpener(services.sessions, services.cookie, services.uow, services.presenter);
  const routes = buildRouteTable({ ...services, opener });
  const app = createApp({
    config: services.config,
    logger: services.logger,
    contract: services.contract,
    routes,
    guards: {
      public: (_req, _res, next) => next(),
      session: sessionGuard(services.sessions, services.cookie),
      user: userGuard({
        sessions: services.sessions,
        cookie: services.cookie,
        sessionJwt: services.sessionJwt,
        users: () => services.uow.repos.users,
        csrfProtection: services.config.session.csrfProtection,
      }),
    },
    operatorRoutes: createOperatorRoutes({ knex: services.knex, redis: services.redis }),
  });
  return { app, routes };
}
