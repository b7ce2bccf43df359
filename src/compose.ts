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
import { createQueueBoard } from './api/queue-board/queue-board.js';
import { LazyBoardQueues } from './queues/lazy-board-queues.js';
import { LocalStorage } from './lib/storage/local-storage.js';
import { DevInbox, devInboxKey } from './lib/dev-inbox.js';
import { createDevInboxRoutes } from './api/dev/dev-inbox-routes.js';
import { createApp } from './app.js';
import { processMetrics } from './lib/metrics.js';
import { requestMetrics } from './api/middleware/request-metrics.js';

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
  /** The queues as the dashboard shows them (BARONG_QUEUE_BOARD), made when it is first opened. */
  boardQueues?: LazyBoardQueues;
  /** Stops the background work, then closes the connections. */
  close(): Promise<void>;
}

/** The process's connections and keys. */
async function connect(config: Config, logger: Logger): Promise<Omit<Platform, keyof EventServices>> {
  const knex = createKnex(config.database);
  const encryptor = new Encryptor(config.encryptionKeys, config.blindIndexKeys);
  const metrics = processMetrics(config.metrics.enabled);
  const redis = createRedis(config.redis);
  metrics.watchRedis(redis, 'barong', (err) => logger.warn({ reason: err.message }, 'Redis connection error'));
  return {
    config,
    logger,
    knex,
    metrics,
    redis,
    redisKeys: new RedisKeys(config.redisPrefix),
    jwtKeys: await startKeyRing({ config, logger, knex, encryptor }),
    encryptor,
  };
}

export async function createServices(config: Config, logger: Logger): Promise<Services> {
  const connections = await connect(config, logger);
  const unwatchPool = connections.metrics.watchPool(connections.knex, 'api');
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
  const boardQueues = config.admin.queueBoard
    ? new LazyBoardQueues({ redis: config.redis, prefix: config.redisPrefix })
    : undefined;
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
    boardQueues,
    async close() {
      await closeAuthzServices(authz);
      closeGatewayServices(gateway);
      closeKycServices(kyc);
      platform.jwtKeys.stop();
      await boardQueues?.close();
      unwatchPool();
      await Promise.allSettled([platform.knex.destroy(), platform.redis.quit(), shared.passwordPolicy.close()]);
    },
  };
}

/** The board's user guard is the resource API's; its writes are held to the same origin instead (board-access.ts). */
function queueBoard(services: Services) {
  return createQueueBoard({
    queues: () => services.boardQueues!.adapters(),
    user: userGuard({
      sessions: services.sessions,
      cookie: services.cookie,
      sessionJwt: services.sessionJwt,
      users: () => services.uow.repos.users,
      csrfProtection: false,
    }),
    policy: services.policy,
    abilities: () => services.abilities,
    audit: services.queueBoardAudit,
    logger: services.logger,
  });
}

/** `stopping`: whether the process is draining for a stop (src/start-api.ts); readiness reports it. */
export function composeApp(
  services: Services,
  lifecycle: { stopping?: () => boolean } = {},
): { app: Express; routes: RouteTable } {
  const opener = new SessionOpener(services.sessions, services.cookie, services.accounts, services.presenter);
  const routes = buildRouteTable({ ...services, opener });
  const userGuardDeps = {
    sessions: services.sessions,
    cookie: services.cookie,
    sessionJwt: services.sessionJwt,
    users: () => services.uow.repos.users,
    csrfProtection: services.config.session.csrfProtection,
  };
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
      user: userGuard(userGuardDeps),
      account: userGuard({ ...userGuardDeps, accounts: () => services.uow.repos.accountDetails }),
    },
    managementTransport: managementTransport({
      enabled: services.signedRequests !== undefined,
      bodyLimit: managementBodyLimit(services.config.uploads.maxBytes),
    }),
    restrictions: restrictionGuard(services.policy), // IP restrictions on this server's own operations too
    operatorRoutes: createOperatorRoutes({
      knex: services.knex,
      redis: services.redis,
      registry: services.metrics.registry,
      metrics: services.config.metrics,
      stopping: lifecycle.stopping,
    }),
    requestMetrics: services.config.metrics.enabled ? requestMetrics(services.metrics) : undefined,
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

    queueBoard: services.boardQueues && queueBoard(services),
  });
  app.locals.geoip = services.geoip; // requestContext(req) fills the activity country from it
  return { app, routes };
}
