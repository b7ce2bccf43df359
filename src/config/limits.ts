import { defineArea } from './area.js';
import { int } from './values.js';

export interface LimitSettings {
  limits: {
    loginMaxAttempts: number;
    loginMaxAttemptsPerIp: number;
    loginWindowSeconds: number;
    codeRequestsMax: number;
    codeRequestsMaxPerIp: number;
    codeRequestsWindowSeconds: number;
    /** Sign-ups (an argon2 hash and a mail each) per client IP per window. */
    signUpMaxPerIp: number;
    signUpWindowSeconds: number;
    /** password/validate requests, identity and public together, per client IP per window. */
    passwordValidateMaxPerIp: number;
    passwordValidateWindowSeconds: number;
  };
  /** Codes a signed-in user may submit (2FA, API keys) per window before 429; a right code resets the count. */
  otpAttempts: { maxAttempts: number; windowSeconds: number };
}

export const limits = defineArea({
  title: 'Attempt and request limits',
  shape: {
    BARONG_LOGIN_MAX_ATTEMPTS: int(10, 1).describe('failed logins per account per window'),
    BARONG_LOGIN_MAX_ATTEMPTS_PER_IP: int(100, 1).describe('failed logins per client IP per window'),
    BARONG_LOGIN_ATTEMPTS_WINDOW: int(900, 1).describe('seconds of the login window'),
    BARONG_CODE_REQUESTS_MAX: int(5, 1).describe('confirmation and reset requests per e-mail per window'),
    BARONG_CODE_REQUESTS_MAX_PER_IP: int(30, 1).describe('confirmation and reset requests per client IP per window'),
    BARONG_CODE_REQUESTS_WINDOW: int(3600, 1).describe('seconds of the confirmation and reset window'),
    BARONG_SIGNUP_MAX_PER_IP: int(50, 1).describe(
      'sign-ups (an argon2 hash and a mail each) per client IP per window: room for many users behind one carrier NAT',
    ),
    BARONG_SIGNUP_WINDOW: int(3600, 1).describe('seconds of the sign-up window'),
    BARONG_PASSWORD_VALIDATE_MAX_PER_IP: int(1000, 1).describe(
      '`password/validate` requests (identity and public together) per client IP per window',
    ),
    BARONG_PASSWORD_VALIDATE_WINDOW: int(3600, 1).describe('seconds of the `password/validate` window'),
    BARONG_OTP_MAX_ATTEMPTS: int(5, 1).describe(
      'TOTP codes (2FA, API keys) a signed-in user may submit per window before 429; a right code resets the count',
    ),
    BARONG_OTP_ATTEMPTS_WINDOW: int(300, 1).describe('seconds of the TOTP window'),
  },
  read: (e): LimitSettings => ({
    limits: {
      loginMaxAttempts: e.BARONG_LOGIN_MAX_ATTEMPTS,
      loginMaxAttemptsPerIp: e.BARONG_LOGIN_MAX_ATTEMPTS_PER_IP,
      loginWindowSeconds: e.BARONG_LOGIN_ATTEMPTS_WINDOW,
      codeRequestsMax: e.BARONG_CODE_REQUESTS_MAX,
      codeRequestsMaxPerIp: e.BARONG_CODE_REQUESTS_MAX_PER_IP,
      codeRequestsWindowSeconds: e.BARONG_CODE_REQUESTS_WINDOW,
      signUpMaxPerIp: e.BARONG_SIGNUP_MAX_PER_IP,
      signUpWindowSeconds: e.BARONG_SIGNUP_WINDOW,
      passwordValidateMaxPerIp: e.BARONG_PASSWORD_VALIDATE_MAX_PER_IP,
      passwordValidateWindowSeconds: e.BARONG_PASSWORD_VALIDATE_WINDOW,
    },
    otpAttempts: { maxAttempts: e.BARONG_OTP_MAX_ATTEMPTS, windowSeconds: e.BARONG_OTP_ATTEMPTS_WINDOW },
  }),
});
