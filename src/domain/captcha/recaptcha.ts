/**
 * reCAPTCHA v2: the widget's token is checked with Google's siteverify (`secret`, `response`;
 * like Barong, the client IP is not sent, since behind proxies it is often not the one the widget saw).
 * Anything but `success: true`, including an unreachable or slow provider, fails the check.
 */
import type { Logger } from '../../lib/logger.js';
import type { CaptchaEndpoint, CaptchaVerifier } from './captcha.js';
import { captchaFailed, captchaRequired, captchaWrongFormat, isBlank } from './captcha-errors.js';
import { postForm } from './http.js';

export interface RecaptchaSettings {
  secretKey: string;
  verifyUrl: string;
}

export class RecaptchaVerifier implements CaptchaVerifier {
  constructor(
    private readonly settings: RecaptchaSettings,
    private readonly logger: Logger,
  ) {}

  async check(endpoint: CaptchaEndpoint, response: unknown): Promise<void> {
    if (isBlank(response)) throw captchaRequired();
    if (typeof response !== 'string') throw captchaWrongFormat(endpoint);
    if (!(await this.verify(response))) throw captchaFailed();
  }

  private async verify(response: string): Promise<boolean> {
    try {
      const res = await postForm(this.settings.verifyUrl, { secret: this.settings.secretKey, response });
      const body = (await res.json()) as { success?: unknown; 'error-codes'?: unknown };
      if (body.success === true) return true;
      this.logger.info({ errorCodes: body['error-codes'] }, 'reCAPTCHA refused the response');
      return false;
    } catch (err) {
      this.logger.warn({ err }, 'reCAPTCHA verification failed to complete');
      return false;
    }
  }
}
