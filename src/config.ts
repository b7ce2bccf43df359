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

/** Upload extensions whose files can be recognised by their magic bytes (src/domain/kyc/upload-checks.ts). */
export const UPLOAD_EXTENSIONS = ['jpg', 'jpeg', 'png', 'pdf', 'gif', 'webp', 'tif', 'tiff', 'bmp'];

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
  // --- JWT keys: algorithm and rotation (issue 5, item 3); default dev key path depends on the algorithm ---
  BARONG_DEV_KEY_PATH: optional,
  BARONG_JWT_ALGORITHM: z.enum(['RS256', 'ES256']).optional().default('RS256'),
  BARONG_JWT_PUBLIC_KEYS_PATH: optional,
  BARONG_JWT_PUBLIC_KEYS: list(''),

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
  BARONG_SESSION_MAX_LIFETIME: int(86_400, 1),
  // Unset: Secure in production (served behind HTTPS), not in development and tests (plain http on loopback).
  BARONG_COOKIE_SECURE: z.enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' }).optional(),
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
  BARONG_SIGNUP_MAX_PER_IP: int(50, 1),
  BARONG_SIGNUP_WINDOW: int(3600, 1),
  BARONG_PASSWORD_VALIDATE_MAX_PER_IP: int(1000, 1),
  BARONG_PASSWORD_VALIDATE_WINDOW: int(3600, 1),
  // --- TOTP codes (issue 4, items 8-10) ---
  BARONG_OTP_MAX_ATTEMPTS: int(5, 1),
  BARONG_OTP_ATTEMPTS_WINDOW: int(300, 1),
  // --- end TOTP codes ---

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
  // --- phones and SMS (issue 4, item 5) ---
  BARONG_PHONE_CODE_LENGTH: z.coerce.number().int().min(4).max(10).optional().default(5),
  BARONG_PHONE_CODE_TTL: int(600, 1),
  BARONG_PHONE_CODE_MAX_ATTEMPTS: int(5, 1),
  BARONG_PHONE_CODE_REQUESTS_MAX: int(5, 1),
  BARONG_PHONE_CODE_REQUESTS_MAX_PER_USER: int(10, 1),
  BARONG_PHONE_CODE_REQUESTS_WINDOW: int(3600, 1),
  BARONG_TWILIO_ACCOUNT_SID: optional,
  BARONG_TWILIO_AUTH_TOKEN: optional,
  BARONG_TWILIO_PHONE_NUMBER: str('+15005550000'),
  BARONG_TWILIO_SERVICE_SID: optional,
  BARONG_TWILIO_API_BASE: optional,
  BARONG_SMS_CONTENT_TEMPLATE: str('Your verification code for Barong: {{code}}'),
  // --- end phones and SMS ---
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
  // --- authorization policy and GeoIP (issue 5, item 4) ---
  BARONG_MAXMINDDB_PATH: optional,
  BARONG_GEOIP_LANG: z.enum(['en', 'de', 'es', 'fr', 'ja', 'ru', 'pt-BR', 'zh-CN']).optional().default('en'),
  BARONG_AUTHZ_CACHE_REFRESH: int(300, 0),
  // --- end authorization policy and GeoIP ---
  // --- gateway authorizer (issue 5, items 1, 2, 6) ---
  BARONG_AUTHZ_RULES_FILE: optional,
  BARONG_APIKEY_NONCE_LIFETIME: int(5000, 1),
  BARONG_APIKEY_NONCE_CLOCK_SKEW: int(5000, 0),
  BARONG_APIKEY_STRICT_SIGNATURE: bool(false),
  BARONG_GATEWAY: optional.refine((v) => v === undefined || v === 'akamai', { message: 'must be akamai or unset' }),
  BARONG_AUTHZ_CLAIMS_TTL: int(300, 1),
  // --- end gateway authorizer ---

  // --- Event API: RabbitMQ publishing through the outbox (issue 5, item 5) ---
  // Barong reads both spellings: its publisher the plain EVENT_API_RABBITMQ_*, its mailer BARONG_EVENT_API_RABBITMQ_*.
  EVENT_API_RABBITMQ_URL: optional,
  BARONG_EVENT_API_RABBITMQ_URL: optional,
  EVENT_API_RABBITMQ_HOST: optional,
  BARONG_EVENT_API_RABBITMQ_HOST: optional,
  EVENT_API_RABBITMQ_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  BARONG_EVENT_API_RABBITMQ_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  EVENT_API_RABBITMQ_USERNAME: optional,
  BARONG_EVENT_API_RABBITMQ_USERNAME: optional,
  EVENT_API_RABBITMQ_PASSWORD: optional,
  BARONG_EVENT_API_RABBITMQ_PASSWORD: optional,
  BARONG_EVENT_API_RELAY_INTERVAL: int(500, 10),
  BARONG_EVENT_API_RELAY_BATCH_SIZE: int(100, 1),
  BARONG_EVENT_API_RETRY_BASE_DELAY: int(1000, 10),
  BARONG_EVENT_API_RETRY_MAX_DELAY: int(300_000, 10),
  BARONG_EVENT_API_CONFIRM_TIMEOUT: int(10_000, 100),
  BARONG_EVENT_API_OUTBOX_RETENTION: int(168, 0),
  // --- end Event API ---

  // --- data storage (issue 4, item 7) ---
  BARONG_USER_STORAGE_TITLES: list(''),
  // --- end data storage ---

  // --- KYC documents and file storage (issue 4, items 4 and 6) ---
  BARONG_DOCUMENT_TYPES: list('Passport,Identity card,Driver license,Utility Bill,Residental,Institutional,Address'),
  BARONG_REQUIRED_DOCS_EXPIRE: bool(true),
  BARONG_DOC_NUM_LIMIT: int(10, 1),
  BARONG_UPLOAD_EXTENSION_WHITELIST: list('jpg,jpeg,png,pdf').transform((l) => l.map((e) => e.toLowerCase())),
  BARONG_UPLOAD_SIZE_MAX_RANGE: int(10, 1),
  BARONG_UPLOAD_AUTH_URL_EXPIRATION: int(60, 1),
  BARONG_STORAGE_PROVIDER: z.enum(['local', 's3']).optional().default('local'),
  BARONG_STORAGE_LOCAL_PATH: str('.dev/uploads'),
  BARONG_STORAGE_BUCKET_NAME: optional,
  BARONG_STORAGE_ACCESS_KEY: optional,
  BARONG_STORAGE_SECRET_KEY: optional,
  BARONG_STORAGE_ENDPOINT: optional,
  BARONG_STORAGE_REGION: str('us-east-1'),
  BARONG_STORAGE_PATHSTYLE: bool(false),
  // --- end KYC documents and file storage ---
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
  jwt: {
    privateKeyPath?: string;
    privateKeyBase64?: string;
    devKeyPath: string;
    expireTime: number;
    /** The signing key's algorithm; its type must fit (src/lib/signing-key.ts). */
    algorithm: 'RS256' | 'ES256';
    /** Previous / next keys published and accepted, never signing: a directory or a comma list of PEM files. */
    publicKeysPath?: string;
    /** The same as base64 PEMs. */
    publicKeysBase64: string[];
  };
  app: { name: string; domain: string; uidPrefix: string; firstRegistrationSuperadmin: boolean; kycProvider: 'local' };
  /** expireTime: idle seconds (sliding); maxLifetime: seconds after the login, however busy the session. */
  session: { cookieName: string; expireTime: number; maxLifetime: number; secureCookie: boolean; csrfProtection: boolean };
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
    /** Sign-ups (an argon2 hash and a mail each) per client IP per window. */
    signUpMaxPerIp: number;
    signUpWindowSeconds: number;
    /** password/validate requests, identity and public together, per client IP per window. */
    passwordValidateMaxPerIp: number;
    passwordValidateWindowSeconds: number;
  };
  // --- TOTP codes ---
  /** Codes a signed-in user may submit (2FA, API keys) per window before 429; a right code resets the count. */
  otpAttempts: { maxAttempts: number; windowSeconds: number };
  // --- end TOTP codes ---
  captcha: {
    type: Env['BARONG_CAPTCHA'];
    protectedEndpoints: string[];
    recaptcha: { siteKey?: string; secretKey?: string; verifyUrl: string };
    geetest: { id?: string; key?: string; apiUrl: string };
  };
  phoneVerification: Env['BARONG_PHONE_VERIFICATION'];
  // --- phones and SMS ---
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
  twilio: { accountSid?: string; authToken?: string; phoneNumber: string; serviceSid?: string; apiBase?: string; smsTemplate: string };
  // --- end phones and SMS ---
  /** Auth0 login is configured when clientId and issuerUrl are both set. */
  auth0: { domain?: string; clientId?: string; issuerUrl?: string };
  smtp: { host: string; port: number; user?: string; password?: string; senderEmail: string; senderName: string; logoLink?: string };
  defaultLanguage: string;
  build: { gitTag?: string; gitSha?: string; buildDate?: string };
  // --- authorization policy and GeoIP ---
  /** MaxMind GeoIP2/GeoLite2 Country database (none: geo restrictions never match); names in `lang`. */
  geoip: { databasePath?: string; lang: string };
  /** Permissions and restrictions are cached in memory; reloaded on change and every `refreshSeconds` (0: never). */
  authzPolicy: { refreshSeconds: number };
  // --- end authorization policy and GeoIP ---
  // --- gateway authorizer ---
  gatewayAuth: {
    /** The pass/block rules file (Barong's authz_rules.yml); undefined: the bundled src/domain/authz/authz-rules.yml. */
    rulesFile?: string;
    /** X-Auth-Nonce must be within this many ms of now (either side). */
    nonceLifetimeMs: number;
    /** The most the clocks of two API processes may differ (ms): a used nonce is remembered that much longer. */
    nonceClockSkewMs: number;
    /** API-key signatures cover METHOD + /path + nonce + kid instead of Barong's nonce + kid. */
    strictSignature: boolean;
    /** BARONG_GATEWAY=akamai: the client IP is Akamai's True-Client-IP header when the peer is a trusted proxy. */
    trueClientIp: boolean;
    /** Longest a cached user / service account / API key record lives in Redis without an invalidation. */
    claimsTtlSeconds: number;
  };
  // --- end gateway authorizer ---
  // --- Event API ---
  /**
   * Publishing to RabbitMQ (reference §15.1), on only when EVENT_API_RABBITMQ_URL or a RabbitMQ host is set. Events
   * go to the `event_outbox` table in their transaction; the worker's relay publishes them (src/events/).
   */
  eventApi: {
    enabled: boolean;
    /** amqp(s) URL with credentials: log it only through redactAmqpUrl. */
    url: string;
    connectTimeoutMs: number;
    confirmTimeoutMs: number;
    relay: { pollIntervalMs: number; batchSize: number; leaseMs: number; retryBaseMs: number; retryMaxMs: number; retentionMs: number };
  };
  // --- end Event API ---
  // --- data storage ---
  /** Titles a user may store data under (barong.yml user_storage_titles); none by default, as in Barong. */
  userStorageTitles: string[];
  // --- end data storage ---
  // --- KYC documents and file storage ---
  /** Identity documents: allowed `doc_type`s (exact case), whether `doc_expire` is required, documents per user. */
  documents: { types: string[]; requireExpiry: boolean; perUserLimit: number };
  /** Uploaded files: allowed extensions (checked by content type and magic bytes), size limit, signed URL lifetime. */
  uploads: { extensions: string[]; maxBytes: number; urlExpirationSeconds: number };
  storage: {
    provider: 'local' | 's3';
    /** Directory of the local provider (outside any served root). */
    localPath: string;
    s3: { bucket?: string; accessKey?: string; secretKey?: string; endpoint?: string; region: string; pathStyle: boolean };
  };
  // --- end KYC documents and file storage ---
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

// --- Event API ---
const EVENT_API_CONNECT_TIMEOUT_MS = 5000;

/** Barong's settings: a URL wins; else host/port/user/password with Barong's defaults (localhost, 5672, guest). */
function eventApiSettings(e: Env, problems: string[]): Config['eventApi'] {
  const explicitUrl = e.EVENT_API_RABBITMQ_URL ?? e.BARONG_EVENT_API_RABBITMQ_URL;
  const host = e.BARONG_EVENT_API_RABBITMQ_HOST ?? e.EVENT_API_RABBITMQ_HOST;
  if (explicitUrl && !/^amqps?:\/\/[^/]/.test(explicitUrl)) {
    problems.push('EVENT_API_RABBITMQ_URL: must be an amqp:// or amqps:// URL such as amqp://guest:guest@127.0.0.1:5672');
  }
  const port = e.BARONG_EVENT_API_RABBITMQ_PORT ?? e.EVENT_API_RABBITMQ_PORT ?? 5672;
  const user = e.BARONG_EVENT_API_RABBITMQ_USERNAME ?? e.EVENT_API_RABBITMQ_USERNAME ?? 'guest';
  const password = e.BARONG_EVENT_API_RABBITMQ_PASSWORD ?? e.EVENT_API_RABBITMQ_PASSWORD ?? 'guest';
  const url =
    explicitUrl ??
    `amqp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host ?? 'localhost'}:${port}`;
  if (e.BARONG_EVENT_API_RETRY_MAX_DELAY < e.BARONG_EVENT_API_RETRY_BASE_DELAY) {
    problems.push('BARONG_EVENT_API_RETRY_MAX_DELAY: must not be below BARONG_EVENT_API_RETRY_BASE_DELAY');
  }
  const confirmTimeoutMs = e.BARONG_EVENT_API_CONFIRM_TIMEOUT;
  return {
    enabled: Boolean(explicitUrl ?? host),
    url,
    connectTimeoutMs: EVENT_API_CONNECT_TIMEOUT_MS,
    confirmTimeoutMs,
    relay: {
      pollIntervalMs: e.BARONG_EVENT_API_RELAY_INTERVAL,
      batchSize: e.BARONG_EVENT_API_RELAY_BATCH_SIZE,
      // A claim outlives the slowest batch: connecting, then every confirm's wait, plus room for the database.
      leaseMs: EVENT_API_CONNECT_TIMEOUT_MS + confirmTimeoutMs + 30_000,
      retryBaseMs: e.BARONG_EVENT_API_RETRY_BASE_DELAY,
      retryMaxMs: e.BARONG_EVENT_API_RETRY_MAX_DELAY,
      retentionMs: e.BARONG_EVENT_API_OUTBOX_RETENTION * 3_600_000,
    },
  };
}
// --- end Event API ---

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
  // --- KYC documents and file storage ---
  const unknownExtensions = e.BARONG_UPLOAD_EXTENSION_WHITELIST.filter((x) => !UPLOAD_EXTENSIONS.includes(x));
  if (unknownExtensions.length || !e.BARONG_UPLOAD_EXTENSION_WHITELIST.length) {
    problems.push(`BARONG_UPLOAD_EXTENSION_WHITELIST: each entry must be one of ${UPLOAD_EXTENSIONS.join(', ')}`);
  }
  if (!e.BARONG_DOCUMENT_TYPES.length) problems.push('BARONG_DOCUMENT_TYPES: at least one document type is required');
  if (e.BARONG_STORAGE_PROVIDER === 's3' && !e.BARONG_STORAGE_BUCKET_NAME) {
    problems.push('BARONG_STORAGE_BUCKET_NAME: required when BARONG_STORAGE_PROVIDER=s3');
  }
  if (Boolean(e.BARONG_STORAGE_ACCESS_KEY) !== Boolean(e.BARONG_STORAGE_SECRET_KEY)) {
    problems.push('BARONG_STORAGE_ACCESS_KEY and BARONG_STORAGE_SECRET_KEY: set both or neither');
  }
  if (e.BARONG_STORAGE_ENDPOINT && !isHttpUrl(e.BARONG_STORAGE_ENDPOINT)) {
    problems.push('BARONG_STORAGE_ENDPOINT: must be an http(s) URL such as https://s3.eu-west-1.amazonaws.com');
  }
  // --- end KYC documents and file storage ---
  // --- data storage ---
  if (e.BARONG_USER_STORAGE_TITLES.some((title) => title.length > 64)) {
    problems.push('BARONG_USER_STORAGE_TITLES: each title must be at most 64 characters');
  }
  // --- end data storage ---
  // --- phones and SMS ---
  if (e.BARONG_PHONE_VERIFICATION !== 'mock') {
    if (!/^AC[0-9a-fA-F]{32}$/.test(e.BARONG_TWILIO_ACCOUNT_SID ?? '') || !e.BARONG_TWILIO_AUTH_TOKEN) {
      problems.push('BARONG_TWILIO_ACCOUNT_SID (AC + 32 hex) and BARONG_TWILIO_AUTH_TOKEN: required when BARONG_PHONE_VERIFICATION is twilio_*');
    }
    if (e.BARONG_PHONE_VERIFICATION === 'twilio_verify' && !/^VA[0-9a-fA-F]{32}$/.test(e.BARONG_TWILIO_SERVICE_SID ?? '')) {
      problems.push('BARONG_TWILIO_SERVICE_SID: a Verify service SID (VA + 32 hex) is required when BARONG_PHONE_VERIFICATION=twilio_verify');
    }
  }
  if (!e.BARONG_SMS_CONTENT_TEMPLATE.includes('{{code}}')) problems.push('BARONG_SMS_CONTENT_TEMPLATE: must contain {{code}}');
  if (e.BARONG_TWILIO_API_BASE && !isHttpUrl(e.BARONG_TWILIO_API_BASE)) {
    problems.push('BARONG_TWILIO_API_BASE: must be an http(s) URL such as http://127.0.0.1:4010');
  }
  // --- end phones and SMS ---
  const eventApi = eventApiSettings(e, problems); // Event API
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
      devKeyPath: e.BARONG_DEV_KEY_PATH ?? (e.BARONG_JWT_ALGORITHM === 'ES256' ? '.dev/ec-key.pem' : '.dev/rsa-key.pem'),
      expireTime: e.BARONG_JWT_EXPIRE_TIME,
      algorithm: e.BARONG_JWT_ALGORITHM,
      publicKeysPath: e.BARONG_JWT_PUBLIC_KEYS_PATH,
      publicKeysBase64: e.BARONG_JWT_PUBLIC_KEYS,
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
      maxLifetime: e.BARONG_SESSION_MAX_LIFETIME,
      secureCookie:
        e.BARONG_COOKIE_SECURE === undefined ? e.NODE_ENV === 'production' : ['true', '1', 'yes'].includes(e.BARONG_COOKIE_SECURE),
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
      signUpMaxPerIp: e.BARONG_SIGNUP_MAX_PER_IP,
      signUpWindowSeconds: e.BARONG_SIGNUP_WINDOW,
      passwordValidateMaxPerIp: e.BARONG_PASSWORD_VALIDATE_MAX_PER_IP,
      passwordValidateWindowSeconds: e.BARONG_PASSWORD_VALIDATE_WINDOW,
    },
    // --- TOTP codes ---
    otpAttempts: { maxAttempts: e.BARONG_OTP_MAX_ATTEMPTS, windowSeconds: e.BARONG_OTP_ATTEMPTS_WINDOW },
    // --- end TOTP codes ---
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
    // --- phones and SMS ---
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
    // --- end phones and SMS ---
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
    // --- authorization policy and GeoIP ---
    geoip: { databasePath: e.BARONG_MAXMINDDB_PATH, lang: e.BARONG_GEOIP_LANG },
    authzPolicy: { refreshSeconds: e.BARONG_AUTHZ_CACHE_REFRESH },
    // --- end authorization policy and GeoIP ---
    // --- gateway authorizer ---
    gatewayAuth: {
      rulesFile: e.BARONG_AUTHZ_RULES_FILE,
      nonceLifetimeMs: e.BARONG_APIKEY_NONCE_LIFETIME,
      nonceClockSkewMs: e.BARONG_APIKEY_NONCE_CLOCK_SKEW,
      strictSignature: e.BARONG_APIKEY_STRICT_SIGNATURE,
      trueClientIp: e.BARONG_GATEWAY === 'akamai',
      claimsTtlSeconds: e.BARONG_AUTHZ_CLAIMS_TTL,
    },
    // --- end gateway authorizer ---
    eventApi, // Event API
    // --- data storage ---
    userStorageTitles: [...new Set(e.BARONG_USER_STORAGE_TITLES)],
    // --- end data storage ---
    // --- KYC documents and file storage ---
    documents: {
      types: e.BARONG_DOCUMENT_TYPES,
      requireExpiry: e.BARONG_REQUIRED_DOCS_EXPIRE,
      perUserLimit: e.BARONG_DOC_NUM_LIMIT,
    },
    uploads: {
      extensions: [...new Set(e.BARONG_UPLOAD_EXTENSION_WHITELIST)],
      // Barong parity: the setting is in megabytes.
      maxBytes: e.BARONG_UPLOAD_SIZE_MAX_RANGE * 1024 * 1024,
      // Barong counts minutes; seconds here, so links can be kept short.
      urlExpirationSeconds: e.BARONG_UPLOAD_AUTH_URL_EXPIRATION,
    },
    storage: {
      provider: e.BARONG_STORAGE_PROVIDER,
      localPath: e.BARONG_STORAGE_LOCAL_PATH,
      s3: {
        bucket: e.BARONG_STORAGE_BUCKET_NAME,
        accessKey: e.BARONG_STORAGE_ACCESS_KEY,
        secretKey: e.BARONG_STORAGE_SECRET_KEY,
        endpoint: e.BARONG_STORAGE_ENDPOINT,
        region: e.BARONG_STORAGE_REGION,
        pathStyle: e.BARONG_STORAGE_PATHSTYLE,
      },
    },
    // --- end KYC documents and file storage ---
  });
}
