/**
 * Loads the configured keys behind every token this server signs (docs/security.md#keys-and-jwks), once at start;
 * any problem stops the server with a message naming the setting. The keys `keys rotate` stores join them in
 * src/domain/keys/key-ring.ts.
 *
 * - The signing key: JWT_PRIVATE_KEY_PATH (PEM), else JWT_PRIVATE_KEY (base64 of the PEM, as Barong's consumers
 *   exchange keys), else — outside production only — a development key generated once and kept at
 *   BARONG_DEV_KEY_PATH. Its type must fit BARONG_JWT_ALGORITHM: RS256 an RSA key of 2048 bits or more, ES256
 *   an EC key on P-256; the development key is generated of that type.
 * - The other published keys (rotation): BARONG_JWT_PUBLIC_KEYS_PATH, a directory (every `*.pem` in it) or a
 *   comma list of PEM files, and BARONG_JWT_PUBLIC_KEYS, a comma list of base64 PEMs. Each is a public or a
 *   private key; only its public half is used, and only to verify. Each key's algorithm follows from its type,
 *   so a previous RSA key keeps verifying RS256 tokens after the signing key moved to ES256.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/index.js';
import type { Logger } from './logger.js';
import { algorithmOf, describeKey, jwtKeysFrom, JwtKeyError, type JwtAlgorithm, type JwtKeys } from './jwt-keys.js';

function parse<T>(source: string, read: () => T, what: string): T {
  try {
    return read();
  } catch (err) {
    throw new Error(`${source}: cannot read ${what} (${(err as Error).message})`, { cause: err });
  }
}

/** The signing key must fit the configured algorithm. */
function checked(key: KeyObject, source: string, config: Config): KeyObject {
  const algorithm = config.jwt.algorithm;
  let fits: JwtAlgorithm;
  try {
    fits = algorithmOf(key);
  } catch (err) {
    if (err instanceof JwtKeyError) throw new Error(`${source}: ${err.message}`, { cause: err });
    throw err;
  }
  if (fits !== algorithm) {
    const needs = algorithm === 'ES256' ? 'an EC key on P-256 (prime256v1)' : 'an RSA key of 2048 bits or more';
    throw new Error(
      `${source} holds ${describeKey(key)}, but BARONG_JWT_ALGORITHM is ${algorithm}, which needs ${needs}; ` +
        `set BARONG_JWT_ALGORITHM=${fits} or give a key of the right type`,
    );
  }
  return key;
}

function generateDevKey(config: Config): KeyObject {
  const { privateKey } =
    config.jwt.algorithm === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey;
}

export function loadSigningKey(config: Config, logger: Logger): KeyObject {
  const { privateKeyPath, privateKeyBase64, devKeyPath, algorithm } = config.jwt;
  if (privateKeyPath) {
    const source = `JWT_PRIVATE_KEY_PATH (${privateKeyPath})`;
    const key = parse(source, () => createPrivateKey(readFileSync(privateKeyPath, 'utf8')), 'a PEM private key');
    return checked(key, source, config);
  }
  if (privateKeyBase64) {
    const pem = Buffer.from(privateKeyBase64, 'base64').toString('utf8');
    return checked(
      parse('JWT_PRIVATE_KEY', () => createPrivateKey(pem), 'a base64 PEM private key'),
      'JWT_PRIVATE_KEY',
      config,
    );
  }
  if (config.isProduction) throw new Error('JWT_PRIVATE_KEY_PATH or JWT_PRIVATE_KEY is required in production');
  const source = `BARONG_DEV_KEY_PATH (${devKeyPath})`;
  if (existsSync(devKeyPath)) {
    const key = parse(source, () => createPrivateKey(readFileSync(devKeyPath, 'utf8')), 'a PEM private key');
    return checked(key, source, config);
  }
  const privateKey = generateDevKey(config);
  mkdirSync(path.dirname(devKeyPath), { recursive: true });
  writeFileSync(devKeyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  logger.warn(
    { path: devKeyPath, algorithm },
    'generated a development signing key; set JWT_PRIVATE_KEY_PATH in production',
  );
  return privateKey;
}

/** BARONG_JWT_PUBLIC_KEYS_PATH: a directory's `*.pem` files (by name), or a comma list of files. */
function publicKeyFiles(setting: string): string[] {
  const single = setting.trim();
  if (!single.includes(',') && existsSync(single) && statSync(single).isDirectory()) {
    return readdirSync(single)
      .filter((name) => name.endsWith('.pem'))
      .sort()
      .map((name) => path.join(single, name));
  }
  return setting
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The previous and next keys, each checked to fit an algorithm. */
export function loadPublicKeys(config: Config): KeyObject[] {
  const { publicKeysPath, publicKeysBase64 } = config.jwt;
  const sources: { source: string; pem: () => string }[] = [
    ...(publicKeysPath ? publicKeyFiles(publicKeysPath) : []).map((file) => ({
      source: `BARONG_JWT_PUBLIC_KEYS_PATH (${file})`,
      pem: () => readFileSync(file, 'utf8'),
    })),
    ...publicKeysBase64.map((encoded, i) => ({
      source: `BARONG_JWT_PUBLIC_KEYS (entry ${i + 1})`,
      pem: () => Buffer.from(encoded, 'base64').toString('utf8'),
    })),
  ];
  return sources.map(({ source, pem }) => {
    // createPublicKey takes a public key, a private key (its public half) or a certificate.
    const key = parse(source, () => createPublicKey(pem()), 'a PEM public or private key');
    try {
      algorithmOf(key);
    } catch (err) {
      throw new Error(`${source}: ${(err as Error).message}`, { cause: err });
    }
    return key;
  });
}

/** Everything token signing and verification needs, from the configuration. */
export function loadJwtKeys(config: Config, logger: Logger): Promise<JwtKeys> {
  return jwtKeysFrom(loadSigningKey(config, logger), loadPublicKeys(config));
}
