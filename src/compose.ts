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
import { loadJwtKeys } from './lib/signing-key.js';
import type { JwtKeys } from './lib/jwt-keys.js';
import { Encryptor } from './lib/encryptor.js';
import { loadContract, type Contract } from './api/contract.js';
import { PasswordPolicy } from './domain/password-policy.js';
import { PasswordHasher } from './domain/password-hasher.js';
import { EventDispatcher } from './domain/events/event-dispatcher.js';
import { UnitOfWork } from './domain/unit-of-work.js';
import { EventOutbox } from './events/event-outbox.js';
import { outboxCodec } from './events/outbox-codec.js';
import { outboxNudgeChannel, outboxWants } from './events/outbox-wants.js';
import { AccountLinks } from './domain/accounts/account-links.js';
import { PrivateLabels } from './domain/labels/private-labels.js';
import { AccountTokens } from './domain/tokens/account-tokens.js';
import { SessionStore } from './domain/sessions/session-store.js';
import { AttemptLimiter, IpLimiter } from './domain/sessions/attempt-limiter.js';
import { LoginService } from './domain/sessions/login-service.js';
import { Totp } from './domain/otp/totp.js';
import { RegistrationService } from './domain/accounts/registration-service.js';
import { PasswordResetService } from './domain/accounts/password-reset-service.js';
import type { CaptchaVerifier } from './domain/captcha/captcha.js';
import { createCaptchaVerifier, createGeetestClient } from './domain/captcha/create-captcha-verifier.js';
import { createAuth0Verifier } from './domain/auth0/auth0-token-verifier.js';
import { Auth0LoginService } from './domain/auth0/auth0-login-service.js';
import { WhitelinkService } from './domain/authz/whitelink-service.js';
// authorization policy: GeoIP, cached permissions/restrictions, admin activities (issue 5, item 4)
import { GeoIp } from './domain/authz/geoip.js';
import { startAuthzPolicy } from './domain/authz/start-authz-policy.js';
import { AdminActivityLog } from './domain/authz/admin-activity-log.js';
import { RestrictionsAdmin } from './domain/authz/restrictions-admin.js';
import { PermissionsAdmin } from './domain/authz/permissions-admin.js';
// resource: TOTP, API keys and service accounts
import { OtpAttempts, OtpCodes } from './domain/otp/otp-attempts.js';
import { OtpService } from './domain/otp/otp-service.js';
import { ApiKeyService } from './domain/api-keys/api-key-service.js';
import { ApiKeySecrets } from './domain/api-keys/api-key-secrets.js';
import { ServiceAccountService } from './domain/service-accounts/service-account-service.js';
// resource: account, labels, data storage
import { AccountService } from './domain/accounts/account-service.js';
import { PublicLabels } from './domain/labels/public-labels.js';
import { DataStorageService } from './domain/data-storage/data-storage-service.js';
// resource: KYC profiles, documents and file storage
import { ProfilesService } from './domain/kyc/profiles-service.js';
import { DocumentsService } from './domain/kyc/documents-service.js';
import { createFileStorage } from './lib/storage/create-file-storage.js';
import { LocalStorage } from './lib/storage/local-storage.js';
import { createFileRoutes } from './api/files/file-routes.js';
// resource: phones and SMS
import { PhoneService } from './domain/phones/phone-service.js';
import { PhoneCodeThrottle } from './domain/phones/phone-code-throttle.js';
import { SmsFailures } from './domain/phones/sms-failures.js';
import { createTwilioClient, TwilioVerifyCheck } from './domain/phones/twilio.js';
// gateway authorizer (issue 5): pass/block rules, Redis-cached principals, nonce guard, JWT reuse
import { AuthzRules, DEFAULT_AUTHZ_RULES_FILE } from './domain/authz/authz-rules.js';
import { AuthorizerCache } from './domain/authz/authorizer-cache.js';
import { authorizerInvalidation } from './domain/authz/authorizer-invalidation.js';
import { ApiKeyAuthenticator } from './domain/authz/api-key-authenticator.js';
import { NonceGuard } from './domain/authz/nonce-guard.js';
import { IssuedTokens } from './domain/authz/issued-tokens.js';
import { Authorizer } from './domain/authz/authorizer.js';
import { buildRouteTable } from './api/routes.js';
import type { BuildInfo } from './api/general/general-handlers.js';
import type { RouteTable } from './api/types.js';
import { createOperatorRoutes } from './api/operator/operator-routes.js';
import { UserPresenter } from './api/presenters/user-presenter.js';
import { SessionCookie } from './api/auth/session-cookie.js';
import { sessionGuard } from './api/auth/session-guard.js';
import { userGuard } from './api/auth/user-guard.js';
import { restrictionGuard } from './api/auth/restriction-guard.js';
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
  const jwtKeys: JwtKeys = await loadJwtKeys(config, logger);
  const encryptor = new Encryptor(config.encryptionKeys);
  const passwordPolicy = new PasswordPolicy(config.password);
  const hasher = new PasswordHasher(config.hashing);

  const dispatcher = new EventDispatcher(logger);
  // Deferred work (mails, SMS codes, Event API events, deferred requests) goes to the outbox in the transaction of
  // the change it belongs to; the worker's relay delivers it (src/events/). The API never talks to Bull or RabbitMQ.
  const nudgeChannel = outboxNudgeChannel(config.redisPrefix);
  const outbox = new EventOutbox({
    codec: outboxCodec(encryptor),
    wants: outboxWants(config.eventApi.enabled),
    nudge: () => void redis.publish(nudgeChannel, '1').catch(() => undefined), // relays poll anyway
  });
  const uow = new UnitOfWork(knex, dispatcher, outbox);

  const privateLabels = new PrivateLabels(config);
  const tokens = new AccountTokens(jwtKeys, redis, redisKeys, config.jwt.expireTime);
  const links = new AccountLinks(config, tokens);
  const sessions = new SessionStore(redis, redisKeys, { idleSeconds: config.session.expireTime, maxSeconds: config.session.maxLifetime });
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
  // Anonymous requests that cost work (an argon2 hash and a mail; zxcvbn), limited per IP before the work.
  const signUps = new IpLimiter(redis, redisKeys, 'signups', { perIp: limits.signUpMaxPerIp, windowSeconds: limits.signUpWindowSeconds });
  const passwordScoring = new IpLimiter(redis, redisKeys, 'password_validate', {
    perIp: limits.passwordValidateMaxPerIp,
    windowSeconds: limits.passwordValidateWindowSeconds,
  });

  const registration = new RegistrationService({ config, uow, hasher, passwordPolicy, privateLabels, tokens, links, captcha, codeRequests });
  const passwordReset = new PasswordResetService({ config, uow, hasher, passwordPolicy, tokens, captcha, codeRequests, sessions });
  const login = new LoginService({ uow, hasher, totp, captcha, throttle: loginThrottle, sessions });
  const auth0 = new Auth0LoginService({ config, verifier: createAuth0Verifier(config, logger), uow, hasher, privateLabels });
  // authorization policy: in memory, reloaded in every API process when changed (Redis pub/sub) — no SQL per request
  const geoip = await GeoIp.open(config.geoip, logger);
  const authz = await startAuthzPolicy({
    repos: () => uow.repos,
    redis,
    keys: redisKeys,
    geo: geoip,
    logger,
    refreshSeconds: config.authzPolicy.refreshSeconds,
  });
  const adminActivities = new AdminActivityLog(uow, geoip, logger);
  const restrictionsAdmin = new RestrictionsAdmin(uow, authz.invalidation, sessions, logger);
  const permissionsAdmin = new PermissionsAdmin(uow, authz.invalidation);
  const whitelink = new WhitelinkService(redis, redisKeys, uow, logger, authz.invalidation);
  const sessionJwt = new SessionJwt(jwtKeys, config.jwt.expireTime);
  // resource: TOTP, API keys and service accounts (every TOTP code a signed-in user submits spends one budget)
  const otpCodes = new OtpCodes(totp, new OtpAttempts(redis, redisKeys, config.otpAttempts));
  const otpService = new OtpService({ uow, totp, codes: otpCodes, privateLabels, sessions });
  const apiKeyService = new ApiKeyService({ uow, codes: otpCodes, encryptor });
  const apiKeySecrets = new ApiKeySecrets(() => uow.repos, encryptor);
  const serviceAccountService = new ServiceAccountService(uow);
  // gateway authorizer: the rules file is followed on change; a user's or key's change drops its cached record
  const { gatewayAuth } = config;
  const authzRules = new AuthzRules(gatewayAuth.rulesFile ?? DEFAULT_AUTHZ_RULES_FILE, logger);
  const authorizerCache = new AuthorizerCache({ redis, keys: redisKeys, repos: () => uow.repos, sessions, ttlSeconds: gatewayAuth.claimsTtlSeconds, logger });
  void authorizerCache.completeKidSet(); // until it is complete, unknown kids read SQL
  dispatcher.subscribe('authorizer-cache', authorizerInvalidation(authorizerCache));
  const authorizer = new Authorizer({
    policy: authz.policy,
    rules: authzRules,
    cache: authorizerCache,
    apiKeys: new ApiKeyAuthenticator({
      cache: authorizerCache,
      nonces: new NonceGuard(redis, redisKeys, gatewayAuth.nonceLifetimeMs, gatewayAuth.nonceClockSkewMs),
      encryptor,
      nonceLifetimeMs: gatewayAuth.nonceLifetimeMs,
      strictSignature: gatewayAuth.strictSignature,
    }),
    sessions,
    tokens: new IssuedTokens((claims) => sessionJwt.sign(claims), config.jwt.expireTime),
    activities: adminActivities,
    csrfProtection: config.session.csrfProtection,
  });
  // resource: phones and SMS
  const phones = new PhoneService({
    config,
    uow,
    encryptor,
    privateLabels,
    throttle: new PhoneCodeThrottle(redis, redisKeys, config.phoneCodes),
    failures: new SmsFailures(redis, redisKeys, config.phoneCodes.ttlSeconds),
    ...(config.phoneVerification === 'twilio_verify'
      ? { verifyCheck: new TwilioVerifyCheck(createTwilioClient(config.twilio), config.twilio.serviceSid ?? '') }
      : {}),
    logger,
  });
  // resource: account, labels, data storage
  const accounts = new AccountService({ config, uow, hasher, passwordPolicy, privateLabels, sessions, otpCodes, passwordAttempts: loginThrottle });
  const publicLabels = new PublicLabels(uow);
  const dataStorage = new DataStorageService({ uow, privateLabels, titles: config.userStorageTitles });

  // resource: KYC profiles, documents and file storage
  const fileStorage = createFileStorage(config);
  const profiles = new ProfilesService({ uow, encryptor, privateLabels });
  const documents = new DocumentsService({
    uow,
    encryptor,
    privateLabels,
    storage: fileStorage,
    logger,
    documents: config.documents,
    uploads: config.uploads,
  });

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
    dispatcher,
    uow,
    privateLabels,
    tokens,
    sessions,
    totp,
    registration,
    passwordReset,
    login,
    signUps,
    passwordScoring,
    geetest,
    auth0,
    whitelink,
    // authorization policy: policy.restrictionFor / permissionFor, geoip.lookup, adminActivities.record
    geoip,
    policy: authz.policy,
    policyInvalidation: authz.invalidation,
    adminActivities,
    restrictionsAdmin,
    permissionsAdmin,
    sessionJwt,
    otpCodes,
    otpService,
    apiKeyService,
    apiKeySecrets,
    serviceAccountService,
    authzRules, // gateway authorizer
    authorizerCache,
    authorizer,
    phones,
    accounts,
    publicLabels,
    dataStorage,
    fileStorage,
    profiles,
    documents,
    presenter: new UserPresenter(encryptor),
    cookie: new SessionCookie(config.session),
    build: buildInfo(config),
    async close() {
      // authorization policy first: pending admin activities still need the database
      await Promise.allSettled([adminActivities.close(), authz.invalidation.close()]);
      geoip.close();
      authzRules.close(); // gateway authorizer
      fileStorage.close?.();
      await Promise.allSettled([knex.destroy(), redis.quit()]);
    },
  };
}

export type Services = Awaited<ReturnType<typeof createServices>>;

export function composeApp(services: Services): { app: Express; routes: RouteTable } {
  const opener = new SessionOpener(services.sessions, services.cookie, services.accounts, services.presenter);
  const routes = buildRouteTable({ ...services, opener });
  const app = createApp({
    config: services.config,
    logger: services.logger,
    contract: services.contract,
    routes,
    guards: {
      public: (_req, _res, next) => next(),
      gateway: (_req, _res, next) => next(), // the gateway authorizer authenticates in its handler
      session: sessionGuard(services.sessions, services.cookie),
      user: userGuard({
        sessions: services.sessions,
        cookie: services.cookie,
        sessionJwt: services.sessionJwt,
        users: () => services.uow.repos.users,
        csrfProtection: services.config.session.csrfProtection,
      }),
    },
    restrictions: restrictionGuard(services.policy), // IP restrictions on this server's own operations too
    operatorRoutes: createOperatorRoutes({ knex: services.knex, redis: services.redis }),
    // Signed links of the local storage provider (S3 links point at the bucket).
    fileRoutes: services.fileStorage instanceof LocalStorage ? createFileRoutes(services.fileStorage) : undefined,
  });
  app.locals.geoip = services.geoip; // requestContext(req) fills the activity country from it
  return { app, routes };
}
