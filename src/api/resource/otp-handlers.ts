/** /resource/otp: 2FA for the signed-in user. Status codes: docs/parity.md#status-codes-from-the-contract. */
import type { OtpService } from '../../domain/otp/otp-service.js';
import { requestContext } from '../auth/auth-context.js';
import type { Handler } from '../types.js';
import { currentUser } from './current-user.js';

export interface OtpHandlerDeps {
  otpService: OtpService;
}

export function createOtpHandlers(d: OtpHandlerDeps) {
  const generateOtpQrCode: Handler<'generateOtpQrCode'> = async (req) => {
    const data = await d.otpService.generateQrCode(currentUser(req), requestContext(req));
    return { status: 200, body: { data } };
  };

  const enableOtp: Handler<'enableOtp'> = async (req) => {
    await d.otpService.enable(currentUser(req), req.body.code, requestContext(req), req.auth?.session?.id);
    return { status: 200, body: {} };
  };

  const verifyOtp: Handler<'verifyOtp'> = async (req) => {
    await d.otpService.verify(currentUser(req), req.body.code, requestContext(req));
    return { status: 200, body: {} };
  };

  const disableOtp: Handler<'disableOtp'> = async (req) => {
    await d.otpService.disable(currentUser(req), req.body.code, requestContext(req));
    return { status: 200, body: {} };
  };

  return { generateOtpQrCode, enableOtp, verifyOtp, disableOtp };
}
