/** The captcha check Barong runs on the endpoints BARONG_CAPTCHA_PROTECTED_ENDPOINTS lists. */
export const CAPTCHA_ENDPOINTS = ['user_create', 'session_create', 'password_reset', 'email_confirmation'] as const;
export type CaptchaEndpoint = (typeof CAPTCHA_ENDPOINTS)[number];

export interface CaptchaVerifier {
  /** Throws Barong's captcha error (400/422) when the endpoint is protected and the response does not pass. */
  check(endpoint: CaptchaEndpoint, response: unknown, clientIp: string): Promise<void>;
}

/** BARONG_CAPTCHA=none. */
export const noCaptcha: CaptchaVerifier = { check: async () => undefined };
