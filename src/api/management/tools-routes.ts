/** Management API routes. Tools: timestamp, OTP co-signing. */
import type { OtpCosigner } from '../../domain/otp/otp-cosigner.js';
import { management, type Handler, type RouteTable } from '../types.js';

export interface ToolsManagementDeps {
  otpCosigner: OtpCosigner;
}

const managementTimestamp: Handler<'managementTimestamp'> = () => ({
  status: 200,
  body: { timestamp: Math.floor(Date.now() / 1000) },
});

type ToolsOperations = 'managementTimestamp' | 'managementOtpSign';

export function toolsManagementRoutes(d: ToolsManagementDeps): Pick<RouteTable, ToolsOperations> {
  const managementOtpSign: Handler<'managementOtpSign'> = async (req) => {
    const { user_uid, otp_code, jwt } = req.body;
    return { status: 201, body: await d.otpCosigner.cosign(user_uid, otp_code, jwt) };
  };
  return {
    managementTimestamp: { access: management('tools'), handler: managementTimestamp }, // POST /timestamp
    managementOtpSign: { access: management('otp_sign'), handler: managementOtpSign }, // POST /otp/sign
  };
}
