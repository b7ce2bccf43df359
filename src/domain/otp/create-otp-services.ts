/** TOTP for signed-in users: every code a user submits, wherever, spends one per-user budget. */
import type { Config } from '../../config.js';
import type { Redis, RedisKeys } from '../../lib/redis.js';
import type { UnitOfWork } from '../unit-of-work.js';
import type { PrivateLabels } from '../labels/private-labels.js';
import type { SessionStore } from '../sessions/session-store.js';
import type { Totp } from './totp.js';
import { OtpAttempts, OtpCodes } from './otp-attempts.js';
import { OtpService } from './otp-service.js';

export interface OtpServicesDeps {
  config: Config;
  redis: Redis;
  redisKeys: RedisKeys;
  uow: UnitOfWork;
  totp: Totp;
  privateLabels: PrivateLabels;
  sessions: SessionStore;
}

export interface OtpServices {
  otpCodes: OtpCodes;
  otpService: OtpService;
}

export function createOtpServices(d: OtpServicesDeps): OtpServices {
  const otpCodes = new OtpCodes(d.totp, new OtpAttempts(d.redis, d.redisKeys, d.config.otpAttempts));
  const otpService = new OtpService({ uow: d.uow, totp: d.totp, codes: otpCodes, privateLabels: d.privateLabels, sessions: d.sessions });
  return { otpCodes, otpService };
}
