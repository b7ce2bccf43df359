/** TOTP for signed-in users, and co-signing what they confirm with it: every code a user submits, wherever, spends one per-user budget. */
import type { OtpCodes } from './otp-codes.js';
import { OtpService } from './otp-service.js';
import { OtpCosigner } from './otp-cosigner.js';
import { ReenrolProof } from './reenrol-proof.js';
import type { AreaDeps } from '../create-shared-services.js';

export type OtpServicesDeps = Pick<
  AreaDeps,
  'uow' | 'totp' | 'otpCodes' | 'privateLabels' | 'sessions' | 'jwtKeys' | 'redis' | 'redisKeys'
>;

export interface OtpServices {
  otpCodes: OtpCodes;
  otpService: OtpService;
  otpCosigner: OtpCosigner;
}

export function createOtpServices(d: OtpServicesDeps): OtpServices {
  const { otpCodes } = d;
  const otpService = new OtpService({
    uow: d.uow,
    totp: d.totp,
    codes: otpCodes,
    privateLabels: d.privateLabels,
    sessions: d.sessions,
    reenrolProof: new ReenrolProof(d.redis, d.redisKeys),
  });
  return { otpCodes, otpService, otpCosigner: new OtpCosigner({ uow: d.uow, codes: otpCodes, jwtKeys: d.jwtKeys }) };
}
