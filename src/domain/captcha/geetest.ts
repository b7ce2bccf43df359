/**
 * GeeTest v3, as Barong's geetest gem speaks it:
 *   register  GET  <api>/register.php?gt=<id>  → a 32-character challenge; the widget gets md5(challenge + key)
 *   validate  the widget's `geetest_validate` must be md5(key + "geetest" + challenge), and
 *             POST <api>/validate.php (seccode) must answer md5(seccode).
 * Any provider error or timeout counts as a failed check.
 */
import type { Logger } from '../../lib/logger.js';
import type { CaptchaEndpoint, CaptchaVerifier } from './captcha.js';
import {
  captchaFailed,
  captchaMandatoryFields,
  captchaRequired,
  captchaWrongFormat,
  isBlank,
  isPlainObject,
} from './captcha-errors.js';
import { getText, md5, postForm, sameString } from './http.js';

export interface GeetestSettings {
  id: string;
  key: string;
  apiUrl: string;
}

export interface GeetestChallenge {
  gt: string;
  challenge: string;
}

const FIELDS = ['geetest_challenge', 'geetest_validate', 'geetest_seccode'] as const;

export class GeetestClient {
  private readonly apiUrl: string;

  constructor(
    private readonly settings: GeetestSettings,
    private readonly logger: Logger,
  ) {
    this.apiUrl = settings.apiUrl.replace(/\/+$/, '');
  }

  /** A challenge for the widget, or undefined when GeeTest cannot be reached or answers nonsense. */
  async register(): Promise<GeetestChallenge | undefined> {
    try {
      const remote = (await getText(`${this.apiUrl}/register.php?gt=${encodeURIComponent(this.settings.id)}`)).trim();
      if (remote.length !== 32) throw new Error(`register.php answered ${remote.length} characters, not 32`);
      return { gt: this.settings.id, challenge: md5(remote + this.settings.key) };
    } catch (err) {
      this.logger.warn({ err }, 'GeeTest register failed');
      return undefined;
    }
  }

  async validate(challenge: string, validate: string, seccode: string): Promise<boolean> {
    if (!sameString(validate, md5(this.settings.key + 'geetest' + challenge))) return false;
    try {
      const answer = (await (await postForm(`${this.apiUrl}/validate.php`, { seccode })).text()).trim();
      return sameString(answer, md5(seccode));
    } catch (err) {
      this.logger.warn({ err }, 'GeeTest validate failed to complete');
      return false;
    }
  }
}

export class GeetestVerifier implements CaptchaVerifier {
  constructor(private readonly client: GeetestClient) {}

  async check(endpoint: CaptchaEndpoint, response: unknown): Promise<void> {
    if (isBlank(response)) throw captchaRequired();
    // Barong answers a non-hash with mandatory_fields (400); a string here is a client speaking reCAPTCHA to a
    // GeeTest server, so it gets the wrong-format answer the other types get.
    if (!isPlainObject(response)) throw captchaWrongFormat(endpoint);
    if (FIELDS.some((f) => response[f] === undefined || response[f] === null)) throw captchaMandatoryFields();
    const [challenge, validate, seccode] = FIELDS.map((f) => response[f]);
    if (typeof challenge !== 'string' || typeof validate !== 'string' || typeof seccode !== 'string') {
      throw captchaWrongFormat(endpoint);
    }
    if (!(await this.client.validate(challenge, validate, seccode))) throw captchaFailed();
  }
}
