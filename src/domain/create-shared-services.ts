/**
 * What several areas share: password rules and hashing, private labels, account tokens, sessions, TOTP and the one
 * path every TOTP code takes (OtpCodes: login, 2FA, API keys …), captcha.
 */
import type { Platform } from './platform.js';
import { PasswordPolicy } from './password-policy.js';
import { PasswordHasher } from './password-hasher.js';
import { PrivateLabels } from './labels/private-labels.js';
import { AccountTokens } from './tokens/account-tokens.js';
import { SessionJwt } from './tokens/session-jwt.js';
import { SessionStore } from './sessions/session-store.js';
import { Totp } from './otp/totp.js';
import { OtpAttempts } from './otp/otp-attempts.js';
import { OtpCodes } from './otp/otp-codes.js';
import { VaultTotp } from './otp/vault-totp.js';
import { VaultUserCodes } from './otp/vault-user-codes.js';
import type { CaptchaVerifier } from './captcha/captcha.js';
import type { GeetestClient } from './captcha/geetest.js';
import { createCaptchaVerifier, createGeetestClient } from './captcha/create-captcha-verifier.js';

export type SharedServicesDeps = Pick<Platform, 'config' | 'logger' | 'redis' | 'redisKeys' | 'jwtKeys' | 'encryptor'>;

export interface SharedServices {
  passwordPolicy: PasswordPolicy;
  hasher: PasswordHasher;
  privateLabels: PrivateLabels;
  tokens: AccountTokens;
  sessionJwt: SessionJwt;
  sessions: SessionStore;
  totp: Totp;
  otpCodes: OtpCodes;
  /** Undefined unless the captcha provider is Geetest. */
  geetest: GeetestClient | undefined;
  captcha: CaptchaVerifier;
}

/** What an area's factory may take: the platform and the shared services. */
export type AreaDeps = Platform & SharedServices;

export function createSharedServices(d: SharedServicesDeps): SharedServices {
  const { config } = d;
  const geetest = createGeetestClient(config, d.logger);
  const totp = new Totp(d.encryptor, config.app.name);
  // Vault is asked only about imported users who have not re-enrolled, and only when it is configured.
  const vault = config.vault && new VaultUserCodes(new VaultTotp(config.vault, d.logger), d.redis, d.redisKeys);
  return {
    passwordPolicy: new PasswordPolicy(config.password),
    hasher: new PasswordHasher(config.hashing),
    privateLabels: new PrivateLabels(config),
    tokens: new AccountTokens(d.jwtKeys, d.redis, d.redisKeys, config.jwt.expireTime),
    sessionJwt: new SessionJwt(d.jwtKeys, config.jwt.expireTime),
    sessions: new SessionStore(d.redis, d.redisKeys, {
      idleSeconds: config.session.expireTime,
      maxSeconds: config.session.maxLifetime,
    }),
    totp,
    otpCodes: new OtpCodes(totp, new OtpAttempts(d.redis, d.redisKeys, config.otpAttempts), vault),
    geetest,
    captcha: createCaptchaVerifier(config, d.logger, geetest),
  };
}
