import { z } from 'zod';
import { defineArea } from './area.js';
import { bool, int, optional } from './values.js';

const GEOIP_LANGUAGES = ['en', 'de', 'es', 'fr', 'ja', 'ru', 'pt-BR', 'zh-CN'] as const;

export interface AuthzSettings {
  /** MaxMind GeoIP2/GeoLite2 Country database (none: geo restrictions never match); names in `lang`. */
  geoip: { databasePath?: string; lang: string };
  /** Permissions and restrictions are cached in memory; reloaded on change and every `refreshSeconds` (0: never). */
  authzPolicy: { refreshSeconds: number };
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
}

export const authz = defineArea({
  title: 'Authorization, restrictions and the gateway authorizer',
  shape: {
    BARONG_MAXMINDDB_PATH: optional.meta({
      description:
        'MaxMind GeoIP2/GeoLite2 Country (or City) `.mmdb` file; read at start (a wrong path stops the server) and again when it changes. Unset: no GeoIP, country/continent restrictions never match',
      values: 'path',
    }),
    BARONG_GEOIP_LANG: z
      .enum(GEOIP_LANGUAGES)
      .optional()
      .default('en')
      .describe('language of GeoIP names (English where the database has none)'),
    BARONG_AUTHZ_CACHE_REFRESH: int(300, 0).describe(
      'seconds between safety-net reloads of the cached permissions and restrictions (`0`: only on change)',
    ),
    BARONG_AUTHZ_RULES_FILE: optional.meta({
      description: "the gateway's pass and block lists (`rules: {pass: […], block: […]}`), followed on change",
      values: 'path of a YAML file',
      default: "the bundled `src/domain/authz/authz-rules.yml` (Barong's defaults)",
    }),
    BARONG_APIKEY_NONCE_LIFETIME: int(5000, 1).describe(
      "ms an `X-Auth-Nonce` may be away from the server's clock, either side",
    ),
    BARONG_APIKEY_NONCE_CLOCK_SKEW: int(5000, 0).describe(
      'ms the clocks of any two API processes may differ; a used nonce is remembered until nonce + lifetime + this',
    ),
    BARONG_APIKEY_STRICT_SIGNATURE: bool(false).describe(
      'API-key signatures cover `METHOD + "/" + path + nonce + kid` instead of Barong\'s `nonce + kid`',
    ),
    BARONG_GATEWAY: optional
      .refine((v) => v === undefined || v === 'akamai', { message: 'must be akamai or unset' })
      .meta({
        description: '`akamai`: the client address is the `True-Client-IP` header when a trusted proxy sends it',
        values: '`akamai`',
      }),
    BARONG_AUTHZ_CLAIMS_TTL: int(300, 1).describe(
      "seconds the authorizer keeps a user's, service account's or API key's record in Redis without an invalidation",
    ),
  },
  read: (e): AuthzSettings => ({
    geoip: { databasePath: e.BARONG_MAXMINDDB_PATH, lang: e.BARONG_GEOIP_LANG },
    authzPolicy: { refreshSeconds: e.BARONG_AUTHZ_CACHE_REFRESH },
    gatewayAuth: {
      rulesFile: e.BARONG_AUTHZ_RULES_FILE,
      nonceLifetimeMs: e.BARONG_APIKEY_NONCE_LIFETIME,
      nonceClockSkewMs: e.BARONG_APIKEY_NONCE_CLOCK_SKEW,
      strictSignature: e.BARONG_APIKEY_STRICT_SIGNATURE,
      trueClientIp: e.BARONG_GATEWAY === 'akamai',
      claimsTtlSeconds: e.BARONG_AUTHZ_CLAIMS_TTL,
    },
  }),
});
