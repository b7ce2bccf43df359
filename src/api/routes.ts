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
import { NOT_IMPLEMENTED, type RouteTable } from './types.js';

export interface RouteServices {
  config: Config;
  contract: Contract;
  passwordPolicy: PasswordPolicy;
  build: BuildInfo;
}

export function buildRouteTable(s: RouteServices): RouteTable {
  const general = createGeneralHandlers(s.config, s.passwordPolicy, s.build);
  const docs = createDocsHandlers(s.contract);
  const todo = NOT_IMPLEMENTED;

  return {
    // identity: general
    identityPing: { access: 'public', handler: general.identityPing },
    getIdentityTime: { access: 'public', handler: general.getIdentityTime },
    getIdentityVersion: { access: 'public', handler: general.getIdentityVersion },
    getIdentityConfigs: { access: 'public', handler: general.getIdentityConfigs },
    validateIdentityPassword: { access: 'public', handler: general.validateIdentityPassword },
    // identity: users
    createUser: { access: 'public', handler: todo },
    registerGeetest: { access: 'public', handler: todo },
    createWhitelistAccess: { access: 'public', handler: todo },
    requestEmailConfirmation: { access: 'public', handler: todo },
    confirmEmail: { access: 'public', handler: todo },
    requestPasswordReset: { access: 'public', handler: todo },
    confirmPasswordReset: { access: 'public', handler: todo },
    // identity: sessions
    createSession: { access: 'public', handler: todo },
    deleteSession: { access: 'session', handler: todo },
    createAuth0Session: { access: 'public', handler: todo },
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
