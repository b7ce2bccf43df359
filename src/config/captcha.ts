import { z } from 'zod';
import { defineArea } from './area.js';
import { list, optional, str } from './values.js';

const CAPTCHA_TYPES = ['none', 'recaptcha', 'geetest'] as const;
const CAPTCHA_ENDPOINT_NAMES = ['user_create', 'session_create', 'password_reset', 'email_confirmation'];

export interface CaptchaSettings {
  captcha: {
    type: (typeof CAPTCHA_TYPES)[number];
    protectedEndpoints: string[];
    recaptcha: { siteKey?: string; secretKey?: string; verifyUrl: string };
    geetest: { id?: string; key?: string; apiUrl: string };
  };
}

export const captcha = defineArea({
  title: 'Captcha',
  secrets: ['BARONG_RECAPTCHA_SECRET_KEY', 'BARONG_GEETEST_KEY'],
  shape: {
    BARONG_CAPTCHA: z
      .enum(CAPTCHA_TYPES)
      .optional()
      .default('none')
      .describe('which captcha, if any, requests must solve'),
    BARONG_CAPTCHA_PROTECTED_ENDPOINTS: list(CAPTCHA_ENDPOINT_NAMES.join(','))
      .refine((names) => names.every((n) => CAPTCHA_ENDPOINT_NAMES.includes(n)), {
        message: `each entry must be one of ${CAPTCHA_ENDPOINT_NAMES.join(', ')}`,
      })
      .meta({
        description: 'where the captcha applies',
        values: `comma list of ${CAPTCHA_ENDPOINT_NAMES.map((n) => `\`${n}\``).join(', ')}`,
      }),
    BARONG_RECAPTCHA_SITE_KEY: optional.describe('reCAPTCHA site key; required with `recaptcha`'),
    BARONG_RECAPTCHA_SECRET_KEY: optional.describe('reCAPTCHA secret key; required with `recaptcha`'),
    BARONG_RECAPTCHA_VERIFY_URL: str('https://www.google.com/recaptcha/api/siteverify').meta({
      description: 'reCAPTCHA verification endpoint (tests use a local stand-in)',
      values: 'URL',
    }),
    BARONG_GEETEST_ID: optional.describe('GeeTest id; required with `geetest`'),
    BARONG_GEETEST_KEY: optional.describe('GeeTest key; required with `geetest`'),
    BARONG_GEETEST_API_URL: str('http://api.geetest.com').meta({
      description: 'GeeTest API (tests use a local stand-in)',
      values: 'URL',
    }),
  },
  read(e, { problems }): CaptchaSettings {
    if (e.BARONG_CAPTCHA === 'recaptcha' && (!e.BARONG_RECAPTCHA_SITE_KEY || !e.BARONG_RECAPTCHA_SECRET_KEY)) {
      problems.push(
        'BARONG_RECAPTCHA_SITE_KEY and BARONG_RECAPTCHA_SECRET_KEY: required when BARONG_CAPTCHA=recaptcha',
      );
    }
    if (e.BARONG_CAPTCHA === 'geetest' && (!e.BARONG_GEETEST_ID || !e.BARONG_GEETEST_KEY)) {
      problems.push('BARONG_GEETEST_ID and BARONG_GEETEST_KEY: required when BARONG_CAPTCHA=geetest');
    }
    return {
      captcha: {
        type: e.BARONG_CAPTCHA,
        protectedEndpoints: e.BARONG_CAPTCHA_PROTECTED_ENDPOINTS,
        recaptcha: {
          siteKey: e.BARONG_RECAPTCHA_SITE_KEY,
          secretKey: e.BARONG_RECAPTCHA_SECRET_KEY,
          verifyUrl: e.BARONG_RECAPTCHA_VERIFY_URL,
        },
        geetest: { id: e.BARONG_GEETEST_ID, key: e.BARONG_GEETEST_KEY, apiUrl: e.BARONG_GEETEST_API_URL },
      },
    };
  },
});
