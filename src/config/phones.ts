import { z } from 'zod';
import { defineArea } from './area.js';
import { int, isHttpUrl, optional, str } from './values.js';

const PHONE_VERIFICATIONS = ['mock', 'twilio_sms', 'twilio_verify'] as const;

export interface PhoneSettings {
  phoneVerification: (typeof PHONE_VERIFICATIONS)[number];
  /** Verification codes: digits, lifetime, wrong tries before the code is void, sends per number / per user per window. */
  phoneCodes: {
    length: number;
    ttlSeconds: number;
    maxAttempts: number;
    requestsPerNumber: number;
    requestsPerUser: number;
    requestsWindowSeconds: number;
  };
  /** Twilio (twilio_sms / twilio_verify); `apiBase` replaces https://*.twilio.com (a local stand-in in tests). */
  twilio: {
    accountSid?: string;
    authToken?: string;
    phoneNumber: string;
    serviceSid?: string;
    apiBase?: string;
    smsTemplate: string;
  };
  /** How fast the SMS worker sends: jobs in hand per worker process, and SMS per second across all workers (0: no limit). */
  smsDelivery: { concurrency: number; ratePerSecond: number };
}

export const phones = defineArea({
  title: 'Phones and SMS',
  secrets: ['BARONG_TWILIO_AUTH_TOKEN'],
  shape: {
    BARONG_PHONE_VERIFICATION: z
      .enum(PHONE_VERIFICATIONS)
      .optional()
      .default('mock')
      .describe(
        '`mock` sends no SMS: outside production the code goes to the development inbox (`/dev/inbox`), in production nowhere, so phones cannot be verified; `twilio_sms` sends our code by SMS; `twilio_verify` has Twilio Verify send and check it',
      ),
    BARONG_PHONE_CODE_LENGTH: z.coerce
      .number()
      .int()
      .min(4)
      .max(10)
      .optional()
      .default(5)
      .describe('digits of a phone code'),
    BARONG_PHONE_CODE_TTL: int(600, 1).describe('seconds a phone code lives'),
    BARONG_PHONE_CODE_MAX_ATTEMPTS: int(5, 1).describe('wrong tries before a phone code is void'),
    BARONG_PHONE_CODE_REQUESTS_MAX: int(5, 1).describe('codes sent per number per window'),
    BARONG_PHONE_CODE_REQUESTS_MAX_PER_USER: int(10, 1).describe('codes sent per user per window'),
    BARONG_PHONE_CODE_REQUESTS_WINDOW: int(3600, 1).describe('seconds of the code-sending window'),
    BARONG_TWILIO_ACCOUNT_SID: optional.meta({
      description: 'Twilio account; required with `twilio_*`',
      values: '`AC` + 32 hex',
    }),
    BARONG_TWILIO_AUTH_TOKEN: optional.describe('Twilio auth token; required with `twilio_*`'),
    BARONG_TWILIO_PHONE_NUMBER: str('+15005550000').meta({
      description: 'sender of `twilio_sms`',
      values: 'E.164 number',
    }),
    BARONG_TWILIO_SERVICE_SID: optional.meta({
      description: 'Twilio Verify service; required with `twilio_verify`',
      values: '`VA` + 32 hex',
    }),
    BARONG_TWILIO_API_BASE: optional.meta({
      description: 'replaces `https://*.twilio.com` in Twilio requests (tests point it at a local stand-in)',
      values: 'http(s) URL',
    }),
    BARONG_SMS_CONTENT_TEMPLATE: str('Your verification code for Barong: {{code}}').meta({
      description: 'SMS text of `twilio_sms`',
      values: 'text containing `{{code}}`',
    }),
    BARONG_SMS_CONCURRENCY: int(8, 1).describe(
      'SMS jobs each worker process has in hand at once (Twilio requests over kept-alive connections)',
    ),
    BARONG_SMS_RATE_LIMIT: int(0, 0).describe(
      "SMS per second across all workers, for Twilio's sending rate of the account or number (`0`: no limit)",
    ),
  },
  read(e, { problems }): PhoneSettings {
    if (e.BARONG_PHONE_VERIFICATION !== 'mock') {
      if (!/^AC[0-9a-fA-F]{32}$/.test(e.BARONG_TWILIO_ACCOUNT_SID ?? '') || !e.BARONG_TWILIO_AUTH_TOKEN) {
        problems.push(
          'BARONG_TWILIO_ACCOUNT_SID (AC + 32 hex) and BARONG_TWILIO_AUTH_TOKEN: required when BARONG_PHONE_VERIFICATION is twilio_*',
        );
      }
      if (
        e.BARONG_PHONE_VERIFICATION === 'twilio_verify' &&
        !/^VA[0-9a-fA-F]{32}$/.test(e.BARONG_TWILIO_SERVICE_SID ?? '')
      ) {
        problems.push(
          'BARONG_TWILIO_SERVICE_SID: a Verify service SID (VA + 32 hex) is required when BARONG_PHONE_VERIFICATION=twilio_verify',
        );
      }
    }
    if (!e.BARONG_SMS_CONTENT_TEMPLATE.includes('{{code}}'))
      problems.push('BARONG_SMS_CONTENT_TEMPLATE: must contain {{code}}');
    if (e.BARONG_TWILIO_API_BASE && !isHttpUrl(e.BARONG_TWILIO_API_BASE)) {
      problems.push('BARONG_TWILIO_API_BASE: must be an http(s) URL such as http://127.0.0.1:4010');
    }
    return {
      phoneVerification: e.BARONG_PHONE_VERIFICATION,
      phoneCodes: {
        length: e.BARONG_PHONE_CODE_LENGTH,
        ttlSeconds: e.BARONG_PHONE_CODE_TTL,
        maxAttempts: e.BARONG_PHONE_CODE_MAX_ATTEMPTS,
        requestsPerNumber: e.BARONG_PHONE_CODE_REQUESTS_MAX,
        requestsPerUser: e.BARONG_PHONE_CODE_REQUESTS_MAX_PER_USER,
        requestsWindowSeconds: e.BARONG_PHONE_CODE_REQUESTS_WINDOW,
      },
      twilio: {
        accountSid: e.BARONG_TWILIO_ACCOUNT_SID,
        authToken: e.BARONG_TWILIO_AUTH_TOKEN,
        phoneNumber: e.BARONG_TWILIO_PHONE_NUMBER,
        serviceSid: e.BARONG_TWILIO_SERVICE_SID,
        apiBase: e.BARONG_TWILIO_API_BASE?.replace(/\/+$/, ''),
        smsTemplate: e.BARONG_SMS_CONTENT_TEMPLATE,
      },
      smsDelivery: { concurrency: e.BARONG_SMS_CONCURRENCY, ratePerSecond: e.BARONG_SMS_RATE_LIMIT },
    };
  },
});
