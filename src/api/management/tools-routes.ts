/** Management API routes. Tools: timestamp, OTP co-signing. */
import { NOT_IMPLEMENTED, management, type Handler, type RouteTable } from '../types.js';

const managementTimestamp: Handler<'managementTimestamp'> = () => ({
  status: 200,
  body: { timestamp: Math.floor(Date.now() / 1000) },
});

type ToolsOperations =
  | 'managementTimestamp'
  | 'managementOtpSign';

export function toolsManagementRoutes(): Pick<RouteTable, ToolsOperations> {
  return {
    managementTimestamp: { access: management('tools'), handler: managementTimestamp }, // POST /timestamp
    managementOtpSign: { access: management('otp_sign'), handler: NOT_IMPLEMENTED }, // POST /otp/sign
  };
}
