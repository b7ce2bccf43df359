import { z } from 'zod';
import { defineArea } from './area.js';
import { int, optional, str } from './values.js';

export interface MailSettings {
  smtp: {
    /** Unset outside production: the worker then delivers to its embedded development inbox (jobs/mail/dev-smtp-inbox.ts). */
    host?: string;
    port: number;
    user?: string;
    password?: string;
    senderEmail: string;
    senderName: string;
    logoLink?: string;
    /** SMTP connections the worker keeps open and reuses (nodemailer's pool, maxConnections). */
    poolSize: number;
  };
  /** How fast the mail worker sends: jobs in hand per worker process, and mails per second across all workers (0: no limit). */
  mailDelivery: { concurrency: number; ratePerSecond: number };
  defaultLanguage: string;
  /**
   * The development inbox (`/dev/inbox`, loopback clients only) holds what was caught: mail when no SMTP server is
   * configured, and the codes of the `mock` SMS provider. Never in production: neither the route nor the store.
   */
  devInbox: boolean;
}

export const mail = defineArea({
  title: 'Mail',
  secrets: ['BARONG_SMTP_PASSWORD'],
  shape: {
    BARONG_SMTP_HOST: optional.meta({
      description:
        'SMTP server of the mail worker; required in production. Unset in development and test: mail goes to the development inbox (`/dev/inbox`)',
      values: 'host name or address',
    }),
    BARONG_SMTP_PORT: int(1025, 1).describe('SMTP port'),
    BARONG_SMTP_USER: optional.describe('SMTP user name'),
    BARONG_SMTP_PASSWORD: optional.describe('SMTP password'),
    BARONG_SENDER_EMAIL: z.string().email().optional().default('noreply@barong.io').meta({
      description: 'sender address',
      values: 'e-mail address',
    }),
    BARONG_SENDER_NAME: str('Barong').describe('sender name'),
    BARONG_DEFAULT_LANGUAGE: str('en')
      .transform((v) => v.toLowerCase())
      .describe("mail language when the user's `data.language` has no template (there are `en` and `ru`)"),
    BARONG_SMTP_LOGO_LINK: optional.meta({ description: 'logo URL in mails', values: 'URL' }),
    BARONG_SMTP_POOL_SIZE: int(4, 1).describe(
      'SMTP connections each worker process keeps open and reuses (nodemailer pool `maxConnections`)',
    ),
    BARONG_MAIL_CONCURRENCY: int(16, 1).describe(
      'mail jobs each worker process has in hand at once (rendering, waiting for a pooled connection, sending)',
    ),
    BARONG_MAIL_RATE_LIMIT: int(0, 0).describe(
      "mails per second across all workers, for the SMTP provider's sending rate (`0`: no limit)",
    ),
  },
  read(e, { nodeEnv, problems }): MailSettings {
    // Without this a production worker would have nowhere to send mail, and the inbox that catches it in
    // development must never exist there: one forgotten variable must not publish reset links.
    if (nodeEnv === 'production' && !e.BARONG_SMTP_HOST)
      problems.push('BARONG_SMTP_HOST: required in production (the SMTP server the mail worker sends through)');
    return {
      smtp: {
        host: e.BARONG_SMTP_HOST,
        port: e.BARONG_SMTP_PORT,
        user: e.BARONG_SMTP_USER,
        password: e.BARONG_SMTP_PASSWORD,
        senderEmail: e.BARONG_SENDER_EMAIL,
        senderName: e.BARONG_SENDER_NAME,
        logoLink: e.BARONG_SMTP_LOGO_LINK,
        poolSize: e.BARONG_SMTP_POOL_SIZE,
      },
      mailDelivery: { concurrency: e.BARONG_MAIL_CONCURRENCY, ratePerSecond: e.BARONG_MAIL_RATE_LIMIT },
      defaultLanguage: e.BARONG_DEFAULT_LANGUAGE,
      devInbox: nodeEnv !== 'production',
    };
  },
});
