/**
 * The route table: every operationId of the contract, who may call it, and its handler.
 * `public` needs nothing; `session` needs the session cookie; `user` takes the session cookie (with its CSRF
 * token on state-changing methods) or a Bearer JWT signed by this server.
 * Operations still marked NOT_IMPLEMENTED answer 501 `server.not_implemented`; README lists them.
 */
import type { Contract } from './contract.js';
import type { Config } from '../config.js';
import type { PasswordPolicy } from '../domain/password-policy.js';
import { createGeneralHandlers, type BuildInfo } from './general/general-handlers.js';
import { createDocsHandlers } from './docs/docs-handlers.js';
import { createIdentityHandlers, type IdentityDeps } from './identity/identity-handlers.js';
import { createCaptchaHandlers, type CaptchaHandlerDeps } from './identity/captcha-handlers.js';
import { createAuth0Handlers, type Auth0HandlerDeps } from './identity/auth0-handlers.js';
import { createWhitelinkHandlers, type WhitelinkHandlerDeps } from './identity/whitelink-handlers.js';
import { NOT_IMPLEMENTED, type RouteTable } from './types.js';

export interface RouteServices
  extends Omit<IdentityDeps, 'registration' | 'passwordReset' | 'login'>,
    CaptchaHandlerDeps,
    Auth0HandlerDeps,
    WhitelinkHandlerDeps {
  config: Config;
  contract: Contract;
  passwordPolicy: PasswordPolicy;
  build: BuildInfo;
  registration: IdentityDeps['registration'];
  passwordReset: IdentityDeps['passwordReset'];
  login: IdentityDeps['login'];
}

export function buildRouteTable(s: RouteServices): RouteTable {
  const general = createGeneralHandlers(s.config, s.passwordPolicy, s.build);
  const docs = createDocsHandlers(s.contract);
  const identity = createIdentityHandlers(s);
  const captcha = createCaptchaHandlers(s);
  const auth0 = createAuth0Handlers(s);
  const whitelink = createWhitelinkHandlers(s);
  const todo = NOT_IMPLEMENTED;

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
    // public
    publicPing: { access: 'public', handler: general.publicPing },
    getPublicTime: { access: 'public', handler: general.getPublicTime },
    getPublicVersion: { access: 'public', handler: general.getPublicVersion },
    getPublicConfigs: { access: 'public', handler: general.getPublicConfigs },
    getAuth0Config: { access: 'public', handler: general.getAuth0Config },
    validatePublicPassword: { access: 'public', handler: general.validatePublicPassword },
    kycCallback: { access: 'public', handler: todo },
    // resource: documentation (Barong skips the JWT check for swagger paths)
    getSwaggerDoc: { access: 'public', handler: docs.getSwaggerDoc },
    getSwaggerDocByName: { access: 'public', handler: docs.getSwaggerDocByName },
    // resource: the signed-in user
    getMe: { access: 'user', handler: todo },
    updateMe: { access: 'user', handler: todo },
    deleteMe: { access: 'user', handler: todo },
    changePassword: { access: 'user', handler: todo },
    listActivity: { access: 'user', handler: todo },
    listLabels: { access: 'user', handler: todo },
    getLabel: { access: 'user', handler: todo },
    createLabel: { access: 'user', handler: todo },
    updateLabel: { access: 'user', handler: todo },
    deleteLabel: { access: 'user', handler: todo },
    getMyProfiles: { access: 'user', handler: todo },
    createProfile: { access: 'user', handler: todo },
    updateProfile: { access: 'user', handler: todo },
    listPhones: { access: 'user', handler: todo },
    addPhone: { access: 'user', handler: todo },
    sendPhoneCode: { access: 'user', handler: todo },
    verifyPhone: { access: 'user', handler: todo },
    listDocuments: { access: 'user', handler: todo },
    uploadDocuments: { access: 'user', handler: todo },
    uploadAddress: { access: 'user', handler: todo },
    createDataStorage: { access: 'user', handler: todo },
    generateOtpQrCode: { access: 'user', handler: todo },
    enableOtp: { access: 'user', handler: todo },
    verifyOtp: { access: 'user', handler: todo },
    disableOtp: { access: 'user', handler: todo },
    listApiKeys: { access: 'user', handler: todo },
    createApiKey: { access: 'user', handler: todo },
    updateApiKey: { access: 'user', handler: todo },
    deleteApiKey: { access: 'user', handler: todo },
    listServiceAccounts: { access: 'user', handler: todo },
    listServiceAccountApiKeys: { access: 'user', handler: todo },
    createServiceAccountApiKey: { access: 'user', handler: todo },
    updateServiceAccountApiKey: { access: 'user', handler: todo },
    deleteServiceAccountApiKey: { access: 'user', handler: todo },
  };
}
