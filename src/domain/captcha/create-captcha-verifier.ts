/**
 * Builds the captcha check from the configuration: none, reCAPTCHA v2 or GeeTest v3, applied
 * only on the endpoints listed in BARONG_CAPTCHA_PROTECTED_ENDPOINTS.
 */
import type { Config } from '../../config/index.js';
import type { Logger } from '../../lib/logger.js';
import { CAPTCHA_ENDPOINTS, noCaptcha, type CaptchaEndpoint, type CaptchaVerifier } from './captcha.js';
import { RecaptchaVerifier } from './recaptcha.js';
import { GeetestClient, GeetestVerifier } from './geetest.js';

/** Runs the inner check only on the protected endpoints; the rest pass untouched. */
export class ProtectedEndpoints implements CaptchaVerifier {
  private readonly endpoints: ReadonlySet<string>;

  constructor(
    endpoints: Iterable<string>,
    private readonly inner: CaptchaVerifier,
  ) {
    this.endpoints = new Set(endpoints);
  }

  async check(endpoint: CaptchaEndpoint, response: unknown, clientIp: string): Promise<void> {
    if (this.endpoints.has(endpoint)) await this.inner.check(endpoint, response, clientIp);
  }
}

/** The GeeTest client when GeeTest is the configured captcha (GET register_geetest uses it too), else undefined. */
export function createGeetestClient(config: Config, logger: Logger): GeetestClient | undefined {
  const { type, geetest } = config.captcha;
  if (type !== 'geetest') return undefined;
  if (!geetest.id || !geetest.key)
    throw new Error('BARONG_CAPTCHA=geetest needs BARONG_GEETEST_ID and BARONG_GEETEST_KEY');
  const log = logger.child({ component: 'captcha' });
  return new GeetestClient({ id: geetest.id, key: geetest.key, apiUrl: geetest.apiUrl }, log);
}

/** Fails closed: a captcha type without its keys stops the server instead of letting every request through. */
export function createCaptchaVerifier(
  config: Config,
  logger: Logger,
  geetest = createGeetestClient(config, logger),
): CaptchaVerifier {
  const { type, recaptcha, protectedEndpoints } = config.captcha;
  if (type === 'none') return noCaptcha;
  const log = logger.child({ component: 'captcha' });
  const unknown = protectedEndpoints.filter((e) => !(CAPTCHA_ENDPOINTS as readonly string[]).includes(e));
  if (unknown.length) {
    log.warn(
      { unknown, known: CAPTCHA_ENDPOINTS },
      'BARONG_CAPTCHA_PROTECTED_ENDPOINTS names endpoints that do not exist',
    );
  }
  let inner: CaptchaVerifier;
  if (type === 'recaptcha') {
    if (!recaptcha.secretKey) throw new Error('BARONG_CAPTCHA=recaptcha needs BARONG_RECAPTCHA_SECRET_KEY');
    inner = new RecaptchaVerifier({ secretKey: recaptcha.secretKey, verifyUrl: recaptcha.verifyUrl }, log);
  } else {
    if (!geetest) throw new Error('BARONG_CAPTCHA=geetest needs a GeeTest client');
    inner = new GeetestVerifier(geetest);
  }
  return new ProtectedEndpoints(protectedEndpoints, inner);
}
