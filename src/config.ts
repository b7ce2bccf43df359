/**
 * The only reader of process.env. Reads once, validates everything, reports every problem on its own
 * line, and freezes the result. Names follow Barong's (reference §19) where Barong has the setting.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
    .optional()
    .transform((v) => (v === undefined ? def : ['true', '1', 'yes'].includes(v)));
const int = (def: number, min = 0) => z.coerce.number().int().min(min).optional().default(def);
const str = (def: string) => z.string().optional().default(def);
const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v));
const list = (def: string) =>
  str(def).transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

const CAPTCHA_ENDPOINT_NAMES = ['user_create', 'session_create', 'password_reset', 'email_confirmation'];

// Barong's default, written with POSIX classes as in barong.yml; translated for JavaScript below.
export const BARONG_DEFAULT_PASSWORD_REGEXP =
  '^(?=.*[[:lower:]])(?=.*[[:upper:]])(?=.*[[:digit:]])(?=.*[[:graph:]]).{8,80}$';

const POSIX_CLASSES: Record<string, string> = {
  '[[:lower:]]': '\\p{Ll}',
  '[[:upper:]]': '\\p{Lu}',
  '[[:digit:]]': '\\p{Nd}',
  '[[:alpha:]]': '\\p{L}',
  '[[:alnum:]]': '[\\p{L}\\p{Nd}]',
  '[[:graph:]]': '[^\\s\\p{C}]',
};

/** Accepts Barong's Ruby-style pattern (POSIX classes) as well as a plain JavaScript one. */
export function compilePasswordRegexp(source: string): RegExp {
  let js = source;
  for (const [posix, unicode] of Object.entries(POSIX_CLASSES)) js = js.split(posix).join(unicode);
  return new RegExp(js, 'u');
}

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).optional().default('development'),
  PORT: int(3000),
  HOST: str('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional().default('info'),

  DATABASE_URL: optional,
  DATABASE_HOST: str('127.0.0.1'),
  DATABASE_PORT: int(3306, 1),
  DATABASE_USER: str('root'),
  DATABASE_PASS: str(''),
  DATABASE_NAME: optional,
  DATABASE_POOL_MAX: int(10, 1),

  REDIS_URL: optional,
  BARONG_REDIS_URL: optional,
  BARONG_REDIS_PREFIX: str('barong:'),

  JWT_PRIVATE_KEY_PATH: optional,
  JWT_PRIVATE_KEY: optional,
  BARONG_DEV_KEY_PATH: str('.dev/rsa-key.pem'),

  BARONG_APP_NAME: str('Barong'),
  BARONG_DOMAIN: str('openware.com'),
  BARONG_UID_PREFIX: z
    .string()
    .regex(/^[A-Za-z]{2,6}$/, 'must be 2 to 6 letters')
    .optional()
    .default('ID'),
  BARONG_SESSION_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'must be a valid cookie name')
    .optional()
    .default('_barong_session'),
  BARONG_SESSION_EXPIRE_TIME: int(1800, 1),
  BARONG_COOKIE_SECURE: bool(false),
  BARONG_CSRF_PROTECTION: bool(true),
  BARONG_JWT_EXPIRE_TIME: int(3600, 1),
  BARONG_FIRST_REGISTRATION_SUPERADMIN: bool(true),
  BARONG_TRUSTED_PROXIES: list('loopback'),

  BARONG_ACTIVATION_REQUIREMENTS: str('email:verified'),
  BARONG_STATE_TRIGGERS: str('banned:ban|fraud,deleted:delete,locked:suspicious|lock'),

  BARONG_ENCRYPTION_KEYS: optional,
  BARONG_ARGON2_MEMORY_COST: int(19456, 1024),
  BARONG_ARGON2_TIME_COST: int(2, 1),
  BARONG_ARGON2_PARALLELISM: int(1, 1),

  BARONG_LOGIN_MAX_ATTEMPTS: int(10, 1),
  BARONG_LOGIN_MAX_ATTEMPTS_PER_IP: int(100, 1),
  BARONG_LOGIN_ATTEMPTS_WINDOW: int(900, 1),
  BARONG_CODE_REQUESTS_MAX: int(5, 1),
  BARONG_CODE_REQUESTS_MAX_PER_IP: int(30, 1),
  BARONG_CODE_REQUESTS_WINDOW: int(3600, 1),

  BARONG_PASSWORD_REGEXP: str(BARONG_DEFAULT_PASSWORD_REGEXP),
  BARONG_PASSWORD_MIN_ENTROPY: z.coerce.number().min(0).optional().default(20),
  BARONG_PASSWORD_USE_DICTIONARY: bool(true),

  BARONG_CAPTCHA: z.enum(['none', 'recaptcha', 'geetest']).optional().default('none'),
  BARONG_CAPTCHA_PROTECTED_ENDPOINTS: list('user_create,session_create,password_reset,email_confirmation').refine(
    (names) => names.every((n) => CAPTCHA_ENDPOINT_NAMES.includes(n)),
    { message: 'each entry must be one of user_create, session_create, password_reset, email_confirmation' },
  ),
  BARONG_RECAPTCHA_SITE_KEY: optional,
  BARONG_RECAPTCHA_SECRET_KEY: optional,
  BARONG_RECAPTCHA_VERIFY_URL: str('https://www.google.com/recaptcha/api/siteverify'),
  BARONG_GEETEST_ID: optional,
  BARONG_GEETEST_KEY: optional,
  BARONG_GEETEST_API_URL: str('http://api.geetest.com'),

  BARONG_PHONE_VERIFICATION: z.enum(['mock', 'twilio_sms', 'twilio_verify']).optional().default('mock'),
  BARONG_KYC_PROVIDER: z.enum(['local']).optional().default('local'),

  BARONG_AUTH0_DOMAIN: optional,
  BARONG_AUTH0_CLIENT_ID: optional,
  // The Auth0 tenant's issuer (tokens' `iss`); keys at <issuer>.well-known/jwks.json. Default https://<domain>/.
  BARONG_AUTH0_ISSUER_URL: optional,

  BARONG_SMTP_HOST: str('localhost'),
  BARONG_SMTP_PORT: int(1025, 1),
  BARONG_SMTP_USER: optional,
  BARONG_SMTP_PASSWORD: optional,
  BARONG_SENDER_EMAIL: z.string().email().optional().default('noreply@barong.io'),
  BARONG_SENDER_NAME: str('Barong'),
  BARONG_DEFAULT_LANGUAGE: str('en').transform((v) => v.toLowerCase()),
  BARONG_SMTP_LOGO_LINK: optional,

  BARONG_GIT_TAG: optional,
  BARONG_GIT_SHA: optional,
  BARONG_BUILD_DATE: optional,
});

type Env = z.infer<typeof schema>;

export interface Config {
  env: Env['NODE_ENV'];
  isProduction: boolean;
  http: { port: number; host: string; trustedProxies: string[] };
  logLevel: Env['LOG_LEVEL'];
  database: { url?: string; host: string; port: number; user: string; password: string; name: string; poolMax: number };
  redisUrl: string;
  /** Prepended to every Redis key this server writes, so several deployments (or test runs) can share one Redis. */
  redisPrefix: string;
  jwt: { privateKeyPath?: string; privateKeyBase64?: string; devKeyPath: string; expireTime: number };
  app: { name: string; domain: string; uidPrefix: string; firstRegistrationSuperadmin: boolean; kycProvider: 'local' };
  session: { cookieName: string; expireTime: number; secureCookie: boolean; csrfProtection: boolean };
  password: { regexpSource: string; regexp: RegExp; minEntropy: number; useDictionary: boolean };
  hashing: { memoryCost: number; timeCost: number; parallelism: number };
  /** AES-256-GCM keys by version; the highest version encrypts, every listed version decrypts. */
  encryptionKeys: { version: number; key: Buffer }[];
  /** Private labels (key → value) a user needs to become active (barong.yml activation_requirements). */
  activationRequirements: Record<string, string>;
  /** Label keys that force a state, in order; later entries win (barong.yml state_triggers). */
  stateTriggers: { state: string; labelKeys: string[] }[];
  limits: {
    loginMaxAttempts: number;
    loginMaxAttemptsPerIp: number;
    loginWindowSeconds: number;
    codeRequestsMax: number;
    codeRequestsMaxPerIp: number;
    codeRequestsWindowSeconds: number;
  };
  captcha: {
    type: Env['BARONG_CAPTCHA'];
    protectedEndpoints: string[];
    recaptcha: { siteKey?: string; secretKey?: string; verifyUrl: string };
    geetest: { id?: string; key?: string; apiUrl: string };
  };
  phoneVerification: Env['BARONG_PHONE_VERIFICATION'];
  /** Auth0 login is configured when clientId and issuerUrl are both set. */
  auth0: { domain?: string; clientId?: string; issuerUrl?: string };
  smtp: { host: string; port: number; user?: string; password?: string; senderEmail: string; senderName: string; logoLink?: string };
  defaultLanguage: string;
  build: { gitTag?: string; gitSha?: string; buildDate?: string };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

function databaseNameFromUrl(url: string): string | undefined {
  try {
    const name = new URL(url).pathname.replace(/^\//, '');
    return name || undefined;
  } catch {
    return undefined;
  }
}

// Outside production only: a fixed, public development key, so local data stays readable across restarts.
const DEVELOPMENT_ENCRYPTION_KEY = createHash('sha256').update('barong-ts development encryption key').digest();

function parseEncryptionKeys(value: string | undefined, env: string, problems: string[]): Config['encryptionKeys'] {
  if (!value) {
    if (env === 'production') problems.push('BARONG_ENCRYPTION_KEYS: required in production (e.g. "1:<base64 of 32 random bytes>")');
    return [{ version: 1, key: DEVELOPMENT_ENCRYPTION_KEY }];
  }
  const keys: Config['encryptionKeys'] = [];
  for (const entry of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [version, encoded = ''] = entry.split(':');
    const key = Buffer.from(encoded, 'base64');
    if (!/^\d+$/.test(version ?? '') || key.length !== 32) {
      problems.push('BARONG_ENCRYPTION_KEYS: each entry must be "<version>:<base64 of 32 bytes>", comma-separated');
      return [];
    }
    keys.push({ version: Number(version), key });
  }
  return keys.sort((a, b) => b.version - a.version);
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** "key:value,key:value" → { key: value }. */
function parsePairs(value: string, name: string, problems: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [key, val] = entry.split(':').map((s) => s.trim());
    if (!key || !val) {
      problems.push(`${name}: each entry must be "key:value", comma-separated`);
      return {};
    }
    out[key] = val;
  }
  return out;
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];

  let passwordRegexp = /./u;
  try {
    passwordRegexp = compilePasswordRegexp(e.BARONG_PASSWORD_REGEXP);
  } catch (err) {
    problems.push(`BARONG_PASSWORD_REGEXP: not a valid regular expression (${(err as Error).message})`);
  }
  if (e.DATABASE_URL) {
    try {
      new URL(e.DATABASE_URL);
    } catch {
      problems.push('DATABASE_URL: must be a URL such as mysql://root@127.0.0.1:3306/barong_development');
    }
  }
  if (e.BARONG_CAPTCHA === 'recaptcha' && (!e.BARONG_RECAPTCHA_SITE_KEY || !e.BARONG_RECAPTCHA_SECRET_KEY)) {
    problems.push('BARONG_RECAPTCHA_SITE_KEY and BARONG_RECAPTCHA_SECRET_KEY: required when BARONG_CAPTCHA=recaptcha');
  }
  if (e.BARONG_CAPTCHA === 'geetest' && (!e.BARONG_GEETEST_ID || !e.BARONG_GEETEST_KEY)) {
    problems.push('BARONG_GEETEST_ID and BARONG_GEETEST_KEY: required when BARONG_CAPTCHA=geetest');
  }
  const auth0IssuerUrl =
    e.BARONG_AUTH0_ISSUER_URL ?? (e.BARONG_AUTH0_DOMAIN ? `https://${e.BARONG_AUTH0_DOMAIN}/` : undefined);
  if (auth0IssuerUrl && !isHttpUrl(auth0IssuerUrl)) {
    problems.push('BARONG_AUTH0_ISSUER_URL (or BARONG_AUTH0_DOMAIN): must give an http(s) URL such as https://tenant.auth0.com/');
  }
  const encryptionKeys = parseEncryptionKeys(e.BARONG_ENCRYPTION_KEYS, e.NODE_ENV, problems);
  const activationRequirements = parsePairs(e.BARONG_ACTIVATION_REQUIREMENTS, 'BARONG_ACTIVATION_REQUIREMENTS', problems);
  const stateTriggers = Object.entries(parsePairs(e.BARONG_STATE_TRIGGERS, 'BARONG_STATE_TRIGGERS', problems)).map(
    ([state, keys]) => ({ state, labelKeys: keys.split('|').filter(Boolean) }),
  );
  if (problems.length) throw new ConfigError(problems);

  const dbName =
    e.DATABASE_NAME ?? (e.DATABASE_URL ? databaseNameFromUrl(e.DATABASE_URL) : undefined) ?? `barong_${e.NODE_ENV}`;

  return Object.freeze({
    env: e.NODE_ENV,
    isProduction: e.NODE_ENV === 'production',
    http: { port: e.PORT, host: e.HOST, trustedProxies: e.BARONG_TRUSTED_PROXIES },
    logLevel: e.LOG_LEVEL,
    database: {
      url: e.DATABASE_URL,
      host: e.DATABASE_HOST,
      port: e.DATABASE_PORT,
      user: e.DATABASE_USER,
      password: e.DATABASE_PASS,
      name: dbName,
      poolMax: e.DATABASE_POOL_MAX,
    },
    redisUrl: e.REDIS_URL ?? e.BARONG_REDIS_URL ?? 'redis://127.0.0.1:6379/1',
    redisPrefix: e.BARONG_REDIS_PREFIX,
    jwt: {
      privateKeyPath: e.JWT_PRIVATE_KEY_PATH,
      privateKeyBase64: e.JWT_PRIVATE_KEY,
      devKeyPath: e.BARONG_DEV_KEY_PATH,
      expireTime: e.BARONG_JWT_EXPIRE_TIME,
    },
    app: {
      name: e.BARONG_APP_NAME,
      domain: e.BARONG_DOMAIN,
      uidPrefix: e.BARONG_UID_PREFIX.toUpperCase(),
      firstRegistrationSuperadmin: e.BARONG_FIRST_REGISTRATION_SUPERADMIN,
      kycProvider: e.BARONG_KYC_PROVIDER,
    },
    session: {
      cookieName: e.BARONG_SESSION_NAME,
      expireTime: e.BARONG_SESSION_EXPIRE_TIME,
      secureCookie: e.BARONG_COOKIE_SECURE,
      csrfProtection: e.BARONG_CSRF_PROTECTION,
    },
    hashing: {
      memoryCost: e.BARONG_ARGON2_MEMORY_COST,
      timeCost: e.BARONG_ARGON2_TIME_COST,
      parallelism: e.BARONG_ARGON2_PARALLELISM,
    },
    encryptionKeys,
    activationRequirements,
    stateTriggers,
    limits: {
      loginMaxAttempts: e.BARONG_LOGIN_MAX_ATTEMPTS,
      loginMaxAttemptsPerIp: e.BARONG_LOGIN_MAX_ATTEMPTS_PER_IP,
      loginWindowSeconds: e.BARONG_LOGIN_ATTEMPTS_WINDOW,
      codeRequestsMax: e.BARONG_CODE_REQUESTS_MAX,
      codeRequestsMaxPerIp: e.BARONG_CODE_REQUESTS_MAX_PER_IP,
      codeRequestsWindowSeconds: e.BARONG_CODE_REQUESTS_WINDOW,
    },
    password: {
      regexpSource: e.BARONG_PASSWORD_REGEXP,
      regexp: passwordRegexp,
      minEntropy: e.BARONG_PASSWORD_MIN_ENTROPY,
      useDictionary: e.BARONG_PASSWORD_USE_DICTIONARY,
    },
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
    phoneVerification: e.BARONG_PHONE_VERIFICATION,
    auth0: { domain: e.BARONG_AUTH0_DOMAIN, clientId: e.BARONG_AUTH0_CLIENT_ID, issuerUrl: auth0IssuerUrl },
    smtp: {
      host: e.BARONG_SMTP_HOST,
      port: e.BARONG_SMTP_PORT,
      user: e.BARONG_SMTP_USER,
      password: e.BARONG_SMTP_PASSWORD,
      senderEmail: e.BARONG_SENDER_EMAIL,
      senderName: e.BARONG_SENDER_NAME,
      logoLink: e.BARONG_SMTP_LOGO_LINK,
    },
    defaultLanguage: e.BARONG_DEFAULT_LANGUAGE,
    build: { gitTag: e.BARONG_GIT_TAG, gitSha: e.BARONG_GIT_SHA, buildDate: e.BARONG_BUILD_DATE },
  });
}
