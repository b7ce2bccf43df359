/**
 * The composition root: builds every long-lived dependency once from the configuration and wires the app.
 * main.ts and the tests both go through here, so they run the same graph. Each area builds its own services beside
 * its code (create<Area>Services); this file says in which order, and how the whole closes.
 */
import type { Express } from 'express';
import type { Config } from './config/index.js';
import type { Logger } from './lib/logger.js';
import { createKnex } from './db/knex.js';
import { createRedis, RedisKeys } from './lib/redis.js';
import { Encryptor } from './lib/encryptor.js';
import type { Platform } from './domain/platform.js';
import { startKeyRing } from './domain/keys/key-ring.js';
import { createEventServices, type EventServices } from './events/create-event-services.js';
import { createSharedServices, type AreaDeps, type SharedServices } from './domain/create-shared-services.js';
import { createSessionServices, type SessionServices } from './domain/sessions/create-session-services.js';
import { createOtpServices, type OtpServices } from './domain/otp/create-otp-services.js';
import { createAccountServices, type AccountServices } from './domain/accounts/create-account-services.js';
import { closeAuthzServices, createAuthzServices, type AuthzServices } from './domain/authz/create-authz-services.js';
import {
  closeGatewayServices,
  createGatewayServices,
  type GatewayServices,
} from './domain/authz/create-gateway-services.js';
import { createApiKeyServices, type ApiKeyServices } from './domain/api-keys/create-api-key-services.js';
import { createPhoneServices, type PhoneServices } from './domain/phones/create-phone-services.js';
import { closeKycServices, createKycServices, type KycServices } from './domain/kyc/create-kyc-services.js';
import { createAdminServices, type AdminServices } from './domain/admin/create-admin-services.js';
import { createManagementServices, type ManagementServices } from './domain/management/create-management-services.js';
import {
  createManagementUserServices,
  type ManagementUserServices,
} from './domain/management/create-management-user-services.js';
import { createApiServices, type ApiServices } from './api/create-api-services.js';
import { buildRouteTable } from './api/routes.js';
import type { RouteTable } from './api/types.js';
import { createOperatorRoutes } from './api/operator/operator-routes.js';
import { createDocsPage, publishedDocuments } from './api/docs/docs-page.js';
import { sessionGuard } from './api/auth/session-guard.js';
import { userGuard } from './api/auth/user-guard.js';
import { adminGuard } from './api/auth/admin-guard.js';
import { managementGuard } from './api/management/management-guard.js';
import { managementBodyLimit, managementTransport } from './api/management/management-transport.js';
import { restrictionGuard } from './api/auth/restriction-guard.js';
import { SessionOpener } from './api/identity/session-opener.js';
import { createFileRoutes } from './api/files/file-routes.js';
import { LocalStorage } from './lib/storage/local-storage.js';
import { DevInbox, devInboxKey } from './lib/dev-inbox.js';
import { createDevInboxRoutes } from './api/dev/dev-inbox-routes.js';
import { createApp } from './app.js';

export interface Services
  extends
    Platform,
    SharedServices,
    SessionServices,
    OtpServices,
    AccountServices,
    AuthzServices,
    GatewayServices,
    ApiKeyServices,
    PhoneServices,
    KycServices,
    AdminServices,
    ManagementServices,
    ManagementUserServices,
    ApiServices {
  /** Stops the background work, then closes the connections. */
  close(): Promise<void>;
}

/** The process's connections and keys. */
async function connect(config: Config, logger: Logger): Promise<Omit<Platform, keyof EventServices>> {
  const knex = createKnex(config.database);
  const encryptor = new Encryptor(config.encryptionKeys, config.blindIndexKeys);
  return {
    config,
    logger,
    knex,
    redis: createRedis(config.redisUrl),
    redisKeys: new RedisKeys(config.redisPrefix),
    jwtKeys: await startKeyRing({ config, logger, knex, encryptor }),
    encryptor,
  };
}

export async function createServices(config: Config, logger: Logger): Promise<Services> {
  const connections = await connect(config, logger);
  const platform: Platform = { ...connections, ...createEventServices(connections) };
  const shared: AreaDeps = { ...platform, ...createSharedServices(platform) };
  const signIn = createSessionServices(shared);
  const otp = createOtpServices(shared);
  const accounts = createAccountServices({ ...shared, ...signIn, ...otp });
  const authz = await createAuthzServices(shared);
  const gateway = createGatewayServices({ ...shared, ...authz });
  const apiKeys = createApiKeyServices({ ...shared, ...otp });
  const phones = createPhoneServices(shared);
  const kyc = await createKycServices(shared);
  return {
    ...shared,
    ...signIn,
    ...otp,
    ...accounts,
    ...authz,
    ...gateway,
    ...apiKeys,
    ...phones,
    ...kyc,
    ...createAdminServices({ ...shared, ...kyc }),
    ...createManagementServices(shared),
    ...createManagementUserServices({ ...shared, ...accounts, ...kyc }),
    ...createApiServices(shared),
    async close() {
      await closeAuthzServices(authz);
      closeGatewayServices(gateway);
      closeKycServices(kyc);
      platform.jwtKeys.stop();
      await Promise.allSettled([platform.knex.destroy(), platform.redis.quit(), shared.passwordPolicy.close()]);
    },
  };
}

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
      admin: adminGuard({
        policy: services.policy,
        abilities: () => services.abilities,
        activities: services.adminActivities,
      }),
      management: managementGuard({ requests: services.signedRequests, scopes: services.managementScopes }),
      user: userGuard({
        sessions: services.sessions,
        cookie: services.cookie,
        sessionJwt: services.sessionJwt,
        users: () => services.uow.repos.users,
        csrfProtection: services.config.session.csrfProtection,
      }),
    },
    managementTransport: managementTransport({
      enabled: services.signedRequests !== undefined,
      bodyLimit: managementBodyLimit(services.config.uploads.maxBytes),
    }),
    restrictions: restrictionGuard(services.policy), // IP restrictions on this server's own operations too
    operatorRoutes: createOperatorRoutes({ knex: services.knex, redis: services.redis }),
    docsPage: createDocsPage(services.contract.basePath, publishedDocuments(services.contract.swagger)),
    // Signed links of the local storage provider (S3 links point at the bucket).
    fileRoutes: services.fileStorage instanceof LocalStorage ? createFileRoutes(services.fileStorage) : undefined,
    // Not even the route exists in production.
    devInboxRoutes: services.config.devInbox
      ? createDevInboxRoutes(
          new DevInbox(services.redis, devInboxKey(services.config.redisPrefix), services.encryptor),
          services.contract.basePath,
        )
      : undefined,
  });
  app.locals.geoip = services.geoip; // requestContext(req) fills the activity country from it
  return { app, routes };
}
