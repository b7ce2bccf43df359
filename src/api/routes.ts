/**
 * The route table: every operationId of the contract, who may call it, and its handler.
 * `public` needs nothing; `session` needs the session cookie; `user` takes the session cookie (with its CSRF
 * token on state-changing methods) or a Bearer JWT signed by this server; `gateway` is the gateway authorizer,
 * which authenticates by itself (src/api/authz/).
 * An operation may be marked NOT_IMPLEMENTED (src/api/types.ts): it then answers 501 `server.not_implemented`.
 */
import type { Contract } from './contract.js';
import type { Config } from '../config/index.js';
import type { PasswordPolicy } from '../domain/password-policy.js';
import type { IpLimiter } from '../domain/sessions/attempt-limiter.js';
import { createGeneralHandlers, type BuildInfo } from './general/general-handlers.js';
import { createDocsHandlers } from './docs/docs-handlers.js';
import { createIdentityHandlers, type IdentityDeps } from './identity/identity-handlers.js';
import { createCaptchaHandlers, type CaptchaHandlerDeps } from './identity/captcha-handlers.js';
import { createAuth0Handlers, type Auth0HandlerDeps } from './identity/auth0-handlers.js';
import { createWhitelinkHandlers, type WhitelinkHandlerDeps } from './identity/whitelink-handlers.js';
import { createJwksHandlers, type JwksHandlerDeps } from './identity/jwks-handlers.js';
import { createUsersHandlers, type UsersHandlerDeps } from './resource/users-handlers.js';
import { createLabelsHandlers, type LabelsHandlerDeps } from './resource/labels-handlers.js';
import { createDataStorageHandlers, type DataStorageHandlerDeps } from './resource/data-storage-handlers.js';
import { createPhonesHandlers, type PhonesHandlerDeps } from './resource/phones-handlers.js';
import { createProfilesHandlers, type ProfilesHandlerDeps } from './resource/profiles-handlers.js';
import { createDocumentsHandlers, type DocumentsHandlerDeps } from './resource/documents-handlers.js';
import { createOtpHandlers, type OtpHandlerDeps } from './resource/otp-handlers.js';
import { createApiKeysHandlers, type ApiKeysHandlerDeps } from './resource/api-keys-handlers.js';
import {
  createServiceAccountsHandlers,
  type ServiceAccountsHandlerDeps,
} from './resource/service-accounts-handlers.js';
import { createAuthzHandlers, type AuthzHandlerDeps } from './authz/authz-handlers.js'; // gateway authorizer
import type { RouteTable } from './types.js';
import { adminRoutes, type AdminRouteDeps } from './admin/admin-routes.js';
import { managementRoutes, type ManagementRouteDeps } from './management/management-routes.js';

export interface RouteServices
  extends
    Omit<IdentityDeps, 'registration' | 'passwordReset' | 'login'>,
    CaptchaHandlerDeps,
    Auth0HandlerDeps,
    WhitelinkHandlerDeps,
    ProfilesHandlerDeps,
    DocumentsHandlerDeps,
    PhonesHandlerDeps,
    JwksHandlerDeps,
    UsersHandlerDeps,
    LabelsHandlerDeps,
    DataStorageHandlerDeps,
    OtpHandlerDeps,
    ApiKeysHandlerDeps,
    ServiceAccountsHandlerDeps,
    AdminRouteDeps,
    ManagementRouteDeps,
    AuthzHandlerDeps {
  config: Config;
  contract: Contract;
  passwordPolicy: PasswordPolicy;
  passwordScoring: IpLimiter;
  build: BuildInfo;
  registration: IdentityDeps['registration'];
  passwordReset: IdentityDeps['passwordReset'];
  login: IdentityDeps['login'];
}

export function buildRouteTable(s: RouteServices): RouteTable {
  const general = createGeneralHandlers(s.config, s.passwordPolicy, s.build, s.passwordScoring);
  const docs = createDocsHandlers(s.contract);
  const identity = createIdentityHandlers(s);
  const captcha = createCaptchaHandlers(s);
  const auth0 = createAuth0Handlers(s);
  const whitelink = createWhitelinkHandlers(s);
  const jwks = createJwksHandlers(s);
  const users = createUsersHandlers(s);
  const labels = createLabelsHandlers(s);
  const dataStorage = createDataStorageHandlers(s);
  const phones = createPhonesHandlers(s);
  const profiles = createProfilesHandlers(s);
  const documents = createDocumentsHandlers(s);
  const otp = createOtpHandlers(s);
  const apiKeys = createApiKeysHandlers(s);
  const serviceAccounts = createServiceAccountsHandlers(s);
  const authz = createAuthzHandlers(s); // gateway authorizer

  return {
    // identity: general
    identityPing: { access: 'public', handler: general.identityPing },
    getIdentityTime: { access: 'public', handler: general.getIdentityTime },
    getIdentityVersion: { access: 'public', handler: general.getIdentityVersion },
    getIdentityConfigs: { access: 'public', handler: general.getIdentityConfigs },
    validateIdentityPassword: { access: 'public', handler: general.validateIdentityPassword },
    // identity: users
    createUser: { access: 'public', handler: identity.createUser },
    registerGeetest: { access: 'public', handler: captcha.registerGeetest },
    createWhitelistAccess: { access: 'public', handler: whitelink.createWhitelistAccess },
    requestEmailConfirmation: { access: 'public', handler: identity.requestEmailConfirmation },
    confirmEmail: { access: 'public', handler: identity.confirmEmail },
    requestPasswordReset: { access: 'public', handler: identity.requestPasswordReset },
    confirmPasswordReset: { access: 'public', handler: identity.confirmPasswordReset },
    // identity: sessions
    createSession: { access: 'public', handler: identity.createSession },
    deleteSession: { access: 'session', handler: identity.deleteSession },
    createAuth0Session: { access: 'public', handler: auth0.createAuth0Session },
    // identity: token keys
    getJwks: { access: 'public', handler: jwks.getJwks },
    // public
    publicPing: { access: 'public', handler: general.publicPing },
    getPublicTime: { access: 'public', handler: general.getPublicTime },
    getPublicVersion: { access: 'public', handler: general.getPublicVersion },
    getPublicConfigs: { access: 'public', handler: general.getPublicConfigs },
    getAuth0Config: { access: 'public', handler: general.getAuth0Config },
    validatePublicPassword: { access: 'public', handler: general.validatePublicPassword },
    kycCallback: { access: 'public', handler: general.kycCallback },
    // resource: documentation (Barong skips the JWT check for swagger paths)
    getSwaggerDoc: { access: 'public', handler: docs.getSwaggerDoc },
    getSwaggerDocByName: { access: 'public', handler: docs.getSwaggerDocByName },
    // resource: the signed-in user
    getMe: { access: 'user', readsAccount: true, handler: users.getMe },
    updateMe: { access: 'user', handler: users.updateMe },
    deleteMe: { access: 'user', handler: users.deleteMe },
    changePassword: { access: 'user', handler: users.changePassword },
    listActivity: { access: 'user', handler: users.listActivity },
    listLabels: { access: 'user', handler: labels.listLabels },
    getLabel: { access: 'user', handler: labels.getLabel },
    createLabel: { access: 'user', handler: labels.createLabel },
    updateLabel: { access: 'user', handler: labels.updateLabel },
    deleteLabel: { access: 'user', handler: labels.deleteLabel },
    getMyProfiles: { access: 'user', handler: profiles.getMyProfiles },
    createProfile: { access: 'user', handler: profiles.createProfile },
    updateProfile: { access: 'user', handler: profiles.updateProfile },
    listPhones: { access: 'user', handler: phones.listPhones },
    addPhone: { access: 'user', handler: phones.addPhone },
    sendPhoneCode: { access: 'user', handler: phones.sendPhoneCode },
    verifyPhone: { access: 'user', handler: phones.verifyPhone },
    listDocuments: { access: 'user', handler: documents.listDocuments },
    uploadDocuments: { access: 'user', handler: documents.uploadDocuments },
    uploadAddress: { access: 'user', handler: documents.uploadAddress },
    createDataStorage: { access: 'user', handler: dataStorage.createDataStorage },
    generateOtpQrCode: { access: 'user', handler: otp.generateOtpQrCode },
    enableOtp: { access: 'user', handler: otp.enableOtp },
    verifyOtp: { access: 'user', handler: otp.verifyOtp },
    disableOtp: { access: 'user', handler: otp.disableOtp },
    listApiKeys: { access: 'user', handler: apiKeys.listApiKeys },
    createApiKey: { access: 'user', handler: apiKeys.createApiKey },
    updateApiKey: { access: 'user', handler: apiKeys.updateApiKey },
    deleteApiKey: { access: 'user', handler: apiKeys.deleteApiKey },
    listServiceAccounts: { access: 'user', handler: serviceAccounts.listServiceAccounts },
    listServiceAccountApiKeys: { access: 'user', handler: serviceAccounts.listServiceAccountApiKeys },
    createServiceAccountApiKey: { access: 'user', handler: serviceAccounts.createServiceAccountApiKey },
    updateServiceAccountApiKey: { access: 'user', handler: serviceAccounts.updateServiceAccountApiKey },
    deleteServiceAccountApiKey: { access: 'user', handler: serviceAccounts.deleteServiceAccountApiKey },
    // gateway authorizer: every method, one handler; mounted before the parsers and the validator
    authorizeGet: { access: 'gateway', handler: authz.authorizeGet },
    authorizePost: { access: 'gateway', handler: authz.authorizePost },
    authorizePut: { access: 'gateway', handler: authz.authorizePut },
    authorizePatch: { access: 'gateway', handler: authz.authorizePatch },
    authorizeDelete: { access: 'gateway', handler: authz.authorizeDelete },
    authorizeHead: { access: 'gateway', handler: authz.authorizeHead },
    authorizeOptions: { access: 'gateway', handler: authz.authorizeOptions },
    ...adminRoutes(s),
    ...managementRoutes(s),
  };
}
