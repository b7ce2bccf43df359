import { readFileSync } from 'node:fs';
import { createPublicKey, type KeyObject } from 'node:crypto';
import * as yaml from 'js-yaml';
import { z } from 'zod';
import { defineArea } from './area.js';
import { bool, int, optional } from './values.js';

/** Signature algorithms a management signer may use: asymmetric only, so a public key can never act as an HMAC secret. */
export const MANAGEMENT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'] as const;
export type ManagementAlgorithm = (typeof MANAGEMENT_ALGORITHMS)[number];

export interface ManagementSigner {
  algorithm: ManagementAlgorithm;
  key: KeyObject;
}

export interface ManagementScope {
  permittedSigners: string[];
  mandatorySigners: string[];
}

export interface ManagementSettings {
  management: {
    /** Undefined when no BARONG_MANAGEMENT_API_CONFIG is given: the management API then answers 404. */
    api?: { keychain: Map<string, ManagementSigner>; scopes: Map<string, ManagementScope> };
    jwt: { maxAgeSeconds: number; maxLifetimeSeconds: number; leewaySeconds: number };
    /** Barong's BARONG_MGN_API_KEYS_USER / _SA: API keys for users / service accounts through this API. */
    apiKeysForUsers: boolean;
    apiKeysForServiceAccounts: boolean;
  };
}

/** Barong's config/management_api.yml. */
const fileSchema = z.object({
  keychain: z.record(z.string(), z.object({ algorithm: z.enum(MANAGEMENT_ALGORITHMS), value: z.string().min(1) })),
  jwt: z.record(z.string(), z.unknown()).optional(),
  scopes: z.record(
    z.string(),
    z.object({ permitted_signers: z.array(z.string()).default([]), mandatory_signers: z.array(z.string()).min(1) }),
  ),
});

/** A keychain value is a PEM public key, URL-safe base64 encoded (Barong's format); a private key is refused. */
function publicKey(id: string, value: string, problems: string[]): KeyObject | undefined {
  try {
    const pem = Buffer.from(value, 'base64url').toString('utf8');
    if (/PRIVATE KEY/.test(pem)) {
      problems.push(
        `BARONG_MANAGEMENT_API_CONFIG: keychain.${id} is a private key; it must be the signer's public key`,
      );
      return undefined;
    }
    return createPublicKey(pem);
  } catch {
    problems.push(`BARONG_MANAGEMENT_API_CONFIG: keychain.${id} is not a base64url-encoded PEM public key`);
    return undefined;
  }
}

function readApi(file: string, problems: string[]): ManagementSettings['management']['api'] {
  let parsed;
  try {
    parsed = fileSchema.safeParse(yaml.load(readFileSync(file, 'utf8')));
  } catch (err) {
    problems.push(`BARONG_MANAGEMENT_API_CONFIG: cannot read ${file} (${(err as Error).message})`);
    return undefined;
  }
  if (!parsed.success) {
    problems.push(
      `BARONG_MANAGEMENT_API_CONFIG: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
    return undefined;
  }
  const keychain = new Map<string, ManagementSigner>();
  for (const [id, { algorithm, value }] of Object.entries(parsed.data.keychain)) {
    const key = publicKey(id, value, problems);
    const fits = key && (algorithm.startsWith('RS') ? key.asymmetricKeyType === 'rsa' : key.asymmetricKeyType === 'ec');
    if (key && !fits) problems.push(`BARONG_MANAGEMENT_API_CONFIG: keychain.${id} is not a key for ${algorithm}`);
    if (key && fits) keychain.set(id, { algorithm, key });
  }
  const scopes = new Map<string, ManagementScope>();
  for (const [name, scope] of Object.entries(parsed.data.scopes)) {
    const unknown = [...scope.permitted_signers, ...scope.mandatory_signers].filter(
      (id) => !(id in parsed.data.keychain),
    );
    if (unknown.length)
      problems.push(
        `BARONG_MANAGEMENT_API_CONFIG: scopes.${name} names signers not in the keychain: ${unknown.join(', ')}`,
      );
    // A mandatory signer is permitted by definition.
    const permitted = [...new Set([...scope.permitted_signers, ...scope.mandatory_signers])];
    scopes.set(name, { permittedSigners: permitted, mandatorySigners: scope.mandatory_signers });
  }
  return { keychain, scopes };
}

export const management = defineArea({
  title: 'Management API',
  shape: {
    BARONG_MANAGEMENT_API_CONFIG: optional.meta({
      description:
        "signers the management API trusts and the signers each scope needs, in Barong's config/management_api.yml format (`keychain`, `scopes` with `permitted_signers` / `mandatory_signers`); without it the management API answers 404",
      values: 'path to a YAML file',
      default: '— (management API off)',
    }),
    BARONG_MANAGEMENT_API_JWT_MAX_AGE: int(60, 1).describe('seconds a signed request may be old (its `iat`)'),
    BARONG_MANAGEMENT_API_JWT_MAX_LIFETIME: int(300, 1).describe(
      'seconds a signed request may live at most (`exp` − now)',
    ),
    BARONG_MANAGEMENT_API_JWT_LEEWAY: int(10, 0).describe(
      'seconds of clock difference allowed between a signer and this server',
    ),
    BARONG_MGN_API_KEYS_USER: bool(false).describe('the management API may create and update API keys of users'),
    BARONG_MGN_API_KEYS_SA: bool(false).describe(
      'the management API may create and update API keys of service accounts',
    ),
  },
  read(e, { problems }): ManagementSettings {
    return {
      management: {
        api: e.BARONG_MANAGEMENT_API_CONFIG ? readApi(e.BARONG_MANAGEMENT_API_CONFIG, problems) : undefined,
        jwt: {
          maxAgeSeconds: e.BARONG_MANAGEMENT_API_JWT_MAX_AGE,
          maxLifetimeSeconds: e.BARONG_MANAGEMENT_API_JWT_MAX_LIFETIME,
          leewaySeconds: e.BARONG_MANAGEMENT_API_JWT_LEEWAY,
        },
        apiKeysForUsers: e.BARONG_MGN_API_KEYS_USER,
        apiKeysForServiceAccounts: e.BARONG_MGN_API_KEYS_SA,
      },
    };
  },
});
