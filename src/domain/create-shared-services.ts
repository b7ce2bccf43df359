/** What several areas share: password rules and hashing, private labels, account tokens, sessions, TOTP, captcha. */
import type { Config } from '../config.js';
import type { Encryptor } from '../lib/encryptor.js';
import type { JwtKeys } from '../lib/jwt-keys.js';
import type { Logger } from '../lib/logger.js';
import type { Redis, RedisKeys } from '../lib/redis.js';
import { PasswordPolicy } from './password-policy.js';
import { PasswordHasher } from './password-hasher.js';
import { PrivateLabels } from './labels/private-labels.js';
import { AccountTokens } from './tokens/account-tokens.js';
import { SessionJwt } from './tokens/session-jwt.js';
import { SessionStore } from './sessions/session-store.js';
import { Totp } from './otp/totp.js';
import type { CaptchaVerifier } from './captcha/captcha.js';
import type { GeetestClient } from './captcha/geetest.js';
import { createCaptchaVerifier, createGeetestClient } from './captcha/create-captcha-verifier.js';

export interface SharedServicesDeps {
  config: Config;
  logger: Logger;
  redis: Redis;
  redisKeys: RedisKeys;
  jwtKeys: JwtKeys;
  encryptor: Encryptor;
}

export interface SharedServices {
  passwordPolicy: PasswordPolicy;
  hasher: PasswordHasher;
  privateLabels: PrivateLabels;
  tokens: AccountTokens;
  sessionJwt: SessionJwt;
  sessions: SessionStore;
  totp: Totp;
  /** Undefined unless the captcha provider is Geetest. */
  geetest: GeetestClient | undefined;
  captcha: CaptchaVerifier;
}

export function createSharedServices(d: SharedServicesDeps): SharedServices {
  const { config } = d;
  const geetest = createGeetestClient(config, d.logger);
  return {
    passwordPolicy: new PasswordPolicy(config.password),
    hasher: new PasswordHasher(config.hashing),
    privateLabels: new PrivateLabels(config),
    tokens: new AccountTokens(d.jwtKeys, d.redis, d.redisKeys, config.jwt.expireTime),
    sessionJwt: new SessionJwt(d.jwtKeys, config.jwt.expireTime),
    sessions: new SessionStore(d.redis, d.redisKeys, { idleSeconds: config.session.expireTime, maxSeconds: config.session.maxLifetime }),
    totp: new Totp(d.encryptor, config.app.name),
    geetest,
    captcha: createCaptchaVerifier(config, d.logger, geetest),
  };
}
