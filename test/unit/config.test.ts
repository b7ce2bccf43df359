import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  compilePasswordRegexp,
  loadConfig,
  BARONG_DEFAULT_PASSWORD_REGEXP,
} from '../../src/config/index.js';

describe('loadConfig', () => {
  it('works on a fresh machine with no variables set', () => {
    const config = loadConfig({});
    expect(config.database).toMatchObject({
      host: '127.0.0.1',
      port: 3306,
      user: 'root',
      password: '',
      name: 'barong_development',
    });
    expect(config.redis).toEqual({ kind: 'single', url: 'redis://127.0.0.1:6379/1' });
    expect(config.session).toMatchObject({
      cookieName: '_barong_session',
      expireTime: 1800,
      maxLifetime: 86_400,
      csrfProtection: true,
    });
    expect(config.app.uidPrefix).toBe('ID');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reports every bad value on its own line', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({
        PORT: 'eighty',
        BARONG_CAPTCHA: 'maybe',
        BARONG_UID_PREFIX: 'X1',
        BARONG_CSRF_PROTECTION: 'sometimes',
      });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const lines = error!.problems;
    expect(lines).toHaveLength(4);
    expect(lines.find((l) => l.startsWith('PORT:'))).toBeDefined();
    expect(lines.find((l) => l.startsWith('BARONG_CAPTCHA:'))).toBeDefined();
    expect(lines.find((l) => l.startsWith('BARONG_UID_PREFIX:'))).toContain('2 to 6 letters');
    expect(lines.find((l) => l.startsWith('BARONG_CSRF_PROTECTION:'))).toContain('true or false');
  });

  it('takes an absolute session lifetime of at least a second', () => {
    expect(loadConfig({ BARONG_SESSION_MAX_LIFETIME: '3600' }).session.maxLifetime).toBe(3600);
    expect(() => loadConfig({ BARONG_SESSION_MAX_LIFETIME: '0' })).toThrow(/BARONG_SESSION_MAX_LIFETIME/);
  });

  it('remembers a used API-key nonce past the clock window by the allowed clock skew (BARONG_APIKEY_NONCE_CLOCK_SKEW)', () => {
    expect(loadConfig({}).gatewayAuth).toMatchObject({ nonceLifetimeMs: 5000, nonceClockSkewMs: 5000 });
    expect(loadConfig({ BARONG_APIKEY_NONCE_CLOCK_SKEW: '0' }).gatewayAuth.nonceClockSkewMs).toBe(0);
    expect(() => loadConfig({ BARONG_APIKEY_NONCE_CLOCK_SKEW: '-1' })).toThrow(/BARONG_APIKEY_NONCE_CLOCK_SKEW/);
  });

  it('needs the captcha keys of the captcha it turns on', () => {
    expect(() => loadConfig({ BARONG_CAPTCHA: 'recaptcha' })).toThrow(/BARONG_RECAPTCHA_SITE_KEY/);
  });

  it("asks Barong's Vault about imported users' codes only when BARONG_VAULT_ADDRESS is set, and then needs a token", () => {
    expect(loadConfig({}).vault).toBeUndefined();
    expect(() => loadConfig({ BARONG_VAULT_ADDRESS: 'http://vault:8200' })).toThrow(/BARONG_VAULT_TOKEN: required/);
    expect(() => loadConfig({ BARONG_VAULT_ADDRESS: 'vault:8200', BARONG_VAULT_TOKEN: 't' })).toThrow(
      /BARONG_VAULT_ADDRESS: must be an http/,
    );
    expect(
      loadConfig({
        BARONG_VAULT_ADDRESS: 'http://vault:8200/',
        BARONG_VAULT_TOKEN: 't',
        BARONG_VAULT_TOTP_MOUNT: '/otp/',
      }).vault,
    ).toEqual({ address: 'http://vault:8200', token: 't', totpMount: 'otp', timeoutMs: 3000 });
  });

  it('makes the first sign-up a superadmin only outside production unless told otherwise', () => {
    const keys = `1:${Buffer.alloc(32, 1).toString('base64')}`;
    const first = (env: Record<string, string>) => loadConfig(env).app.firstRegistrationSuperadmin;
    expect(first({ NODE_ENV: 'production', BARONG_SMTP_HOST: 'smtp.example', BARONG_ENCRYPTION_KEYS: keys })).toBe(
      false,
    );
    expect(
      first({
        NODE_ENV: 'production',
        BARONG_SMTP_HOST: 'smtp.example',
        BARONG_ENCRYPTION_KEYS: keys,
        BARONG_FIRST_REGISTRATION_SUPERADMIN: 'true',
      }),
    ).toBe(true);
    expect(first({})).toBe(true);
    expect(first({ BARONG_FIRST_REGISTRATION_SUPERADMIN: 'false' })).toBe(false);
  });

  it('requires an SMTP server in production, and keeps the development inbox out of it', () => {
    const keys = `1:${Buffer.alloc(32, 1).toString('base64')}`;
    expect(() => loadConfig({ NODE_ENV: 'production', BARONG_ENCRYPTION_KEYS: keys })).toThrow(
      /^ {2}BARONG_SMTP_HOST: required in production/m,
    );
    const production = loadConfig({
      NODE_ENV: 'production',
      BARONG_SMTP_HOST: 'smtp.example',
      BARONG_ENCRYPTION_KEYS: keys,
    });
    expect(production.devInbox).toBe(false);
    expect(loadConfig({}).smtp.host).toBeUndefined();
    expect(loadConfig({}).devInbox).toBe(true);
    expect(loadConfig({ BARONG_SMTP_HOST: 'smtp.example' }).devInbox).toBe(true);
  });

  it('serves /metrics on its own port, behind the token, to loopback outside production, or nowhere', () => {
    const keys = `1:${Buffer.alloc(32, 1).toString('base64')}`;
    const token = 'a-scraper-token-0123';
    const exposure = (env: Record<string, string>) => loadConfig(env).metrics.exposure;
    expect(exposure({})).toBe('loopback');
    expect(exposure({ NODE_ENV: 'production', BARONG_ENCRYPTION_KEYS: keys, BARONG_SMTP_HOST: 'smtp.example' })).toBe(
      'off',
    );
    expect(
      exposure({
        NODE_ENV: 'production',
        BARONG_ENCRYPTION_KEYS: keys,
        BARONG_SMTP_HOST: 'smtp.example',
        BARONG_METRICS_TOKEN: token,
      }),
    ).toBe('token');
    expect(exposure({ BARONG_METRICS_PORT: '9394', BARONG_METRICS_TOKEN: token })).toBe('port');
    expect(exposure({ BARONG_METRICS_PORT: '9394', BARONG_METRICS_ENABLED: 'false' })).toBe('off');
    expect(() => loadConfig({ BARONG_METRICS_TOKEN: 'short' })).toThrow(/BARONG_METRICS_TOKEN: must be at least 16/);
    expect(() => loadConfig({ BARONG_METRICS_PORT: '70000' })).toThrow(/BARONG_METRICS_PORT/);
  });

  it('marks the session cookie Secure in production unless told otherwise', () => {
    const keys = `1:${Buffer.alloc(32, 1).toString('base64')}`;
    expect(
      loadConfig({ NODE_ENV: 'production', BARONG_SMTP_HOST: 'smtp.example', BARONG_ENCRYPTION_KEYS: keys }).session
        .secureCookie,
    ).toBe(true);
    expect(
      loadConfig({
        NODE_ENV: 'production',
        BARONG_SMTP_HOST: 'smtp.example',
        BARONG_ENCRYPTION_KEYS: keys,
        BARONG_COOKIE_SECURE: 'false',
      }).session.secureCookie,
    ).toBe(false);
    expect(loadConfig({}).session.secureCookie).toBe(false);
    expect(loadConfig({ BARONG_COOKIE_SECURE: 'true' }).session.secureCookie).toBe(true);
  });

  it('limits sign-ups and password scoring per IP: 50 and 1000 an hour by default, at least 1', () => {
    expect(loadConfig({}).limits).toMatchObject({
      signUpMaxPerIp: 50,
      signUpWindowSeconds: 3600,
      passwordValidateMaxPerIp: 1000,
      passwordValidateWindowSeconds: 3600,
    });
    const env = {
      BARONG_SIGNUP_MAX_PER_IP: '7',
      BARONG_SIGNUP_WINDOW: '60',
      BARONG_PASSWORD_VALIDATE_MAX_PER_IP: '9',
      BARONG_PASSWORD_VALIDATE_WINDOW: '30',
    };
    expect(loadConfig(env).limits).toMatchObject({
      signUpMaxPerIp: 7,
      signUpWindowSeconds: 60,
      passwordValidateMaxPerIp: 9,
      passwordValidateWindowSeconds: 30,
    });
    for (const name of Object.keys(env)) expect(() => loadConfig({ [name]: '0' })).toThrow(new RegExp(name));
  });

  it('takes the database name from DATABASE_URL', () => {
    expect(loadConfig({ DATABASE_URL: 'mysql://u:p@db:3307/barong_prod' }).database.name).toBe('barong_prod');
  });
});

describe('compilePasswordRegexp', () => {
  const barong = compilePasswordRegexp(BARONG_DEFAULT_PASSWORD_REGEXP);
  it.each([
    ['Tecohvi0', true],
    ['tecohvi0', false],
    ['TECOHVI0', false],
    ['Tecohvio', false],
    ['Te0', false],
    ['Пароль2024Xx', true],
  ])('%s matches Barong default: %s', (password, expected) => {
    expect(barong.test(password)).toBe(expected);
  });

  it('rejects an invalid pattern at load', () => {
    expect(() => loadConfig({ BARONG_PASSWORD_REGEXP: '(' })).toThrow(/BARONG_PASSWORD_REGEXP/);
  });
});
