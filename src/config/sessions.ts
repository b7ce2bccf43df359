import { z } from 'zod';
import { defineArea } from './area.js';
import { bool, booleanWord, int, isTrue } from './values.js';

export interface SessionSettings {
  /** expireTime: idle seconds (sliding); maxLifetime: seconds after the login, however busy the session. */
  session: {
    cookieName: string;
    expireTime: number;
    maxLifetime: number;
    secureCookie: boolean;
    csrfProtection: boolean;
  };
}

export const sessions = defineArea({
  title: 'Sessions',
  shape: {
    BARONG_SESSION_NAME: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'must be a valid cookie name')
      .optional()
      .default('_barong_session')
      .meta({ description: 'session cookie name', values: 'letters, digits, `_`, `.`, `-`' }),
    BARONG_SESSION_EXPIRE_TIME: int(1800, 1).describe('idle seconds before a session expires'),
    BARONG_SESSION_MAX_LIFETIME: int(86_400, 1).describe(
      "seconds after the login before a session expires, however busy; also the cookie's Max-Age",
    ),
    // Unset: Secure in production (served behind HTTPS), not in development and tests (plain http on loopback).
    BARONG_COOKIE_SECURE: booleanWord().meta({
      description: 'mark the session cookie `Secure` (HTTPS only)',
      default: '`true` in production, else `false`',
    }),
    BARONG_CSRF_PROTECTION: bool(true).describe('require `X-CSRF-Token` on state-changing cookie requests'),
  },
  read: (e, { nodeEnv }): SessionSettings => ({
    session: {
      cookieName: e.BARONG_SESSION_NAME,
      expireTime: e.BARONG_SESSION_EXPIRE_TIME,
      maxLifetime: e.BARONG_SESSION_MAX_LIFETIME,
      secureCookie: e.BARONG_COOKIE_SECURE === undefined ? nodeEnv === 'production' : isTrue(e.BARONG_COOKIE_SECURE),
      csrfProtection: e.BARONG_CSRF_PROTECTION,
    },
  }),
});
