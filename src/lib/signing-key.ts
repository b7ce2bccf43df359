/**
 * The RSA private key that signs everything Barong signs (reference §8.1): from JWT_PRIVATE_KEY_PATH (PEM),
 * else JWT_PRIVATE_KEY (base64 of the PEM, as Barong's consumers exchange keys), else — outside production
 * only — a 2048-bit development key generated once and kept at BARONG_DEV_KEY_PATH.
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from './logger.js';

export function loadSigningKey(config: Config, logger: Logger): KeyObject {
  const { privateKeyPath, privateKeyBase64, devKeyPath } = config.jwt;
  if (privateKeyPath) return createPrivateKey(readFileSync(privateKeyPath, 'utf8'));
  if (privateKeyBase64) return createPrivateKey(Buffer.from(privateKeyBase64, 'base64').toString('utf8'));
  if (config.isProduction) throw new Error('JWT_PRIVATE_KEY_PATH or JWT_PRIVATE_KEY is required in production');
  if (existsSync(devKeyPath)) return createPrivateKey(readFileSync(devKeyPath, 'utf8'));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  mkdirSync(path.dirname(devKeyPath), { recursive: true });
  writeFileSync(devKeyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  logger.warn({ path: devKeyPath }, 'generated a development RSA signing key; set JWT_PRIVATE_KEY_PATH in production');
  return privateKey;
}
