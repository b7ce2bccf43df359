import { pino, type DestinationStream, type Logger } from 'pino';
import { logContextFields } from './log-context.js';

/** Paths that must never reach a log line: credentials, tokens, codes, cookies. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'req.headers["x-auth-signature"]',
  'res.headers["set-cookie"]',
  'res.headers.authorization',
  '*.password',
  '*.old_password',
  '*.new_password',
  '*.confirm_password',
  '*.otp_code',
  '*.totp_code',
  '*.code',
  '*.token',
  '*.reset_password_token',
  '*.verification_code',
  '*.secret',
];

/** Writes to stdout unless given another destination (tests read what was logged). */
export function createLogger(level: string, name = 'barong', destination?: DestinationStream): Logger {
  const options = { name, level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, mixin: logContextFields };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
