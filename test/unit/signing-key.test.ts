import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/lib/logger.js';
import { loadSigningKey } from '../../src/lib/signing-key.js';

const logger = createLogger('silent');
const KEYS = `1:${Buffer.alloc(32, 7).toString('base64')}`;
const dir = () => mkdtempSync(path.join(tmpdir(), 'barong-key-'));

describe('loadSigningKey', () => {
  it('refuses to run production without a configured key', () => {
    expect(() =>
      loadSigningKey(
        loadConfig({ NODE_ENV: 'production', BARONG_SMTP_HOST: 'smtp.example', BARONG_ENCRYPTION_KEYS: KEYS }),
        logger,
      ),
    ).toThrow(/JWT_PRIVATE_KEY_PATH/);
  });

  it('generates a development key once, private to the owner, and reuses it', () => {
    const devKeyPath = path.join(dir(), 'rsa-key.pem');
    const config = loadConfig({ BARONG_DEV_KEY_PATH: devKeyPath });
    const first = loadSigningKey(config, logger);
    expect(first.asymmetricKeyType).toBe('rsa');
    expect(first.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(statSync(devKeyPath).mode & 0o077).toBe(0);
    const pem = readFileSync(devKeyPath, 'utf8');
    const second = loadSigningKey(config, logger);
    expect(second.export({ type: 'pkcs8', format: 'pem' })).toBe(pem);
  });

  it('reads JWT_PRIVATE_KEY_PATH and the base64 JWT_PRIVATE_KEY', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const file = path.join(dir(), 'key.pem');
    writeFileSync(file, pem);
    const fromPath = loadSigningKey(
      loadConfig({
        NODE_ENV: 'production',
        BARONG_SMTP_HOST: 'smtp.example',
        BARONG_ENCRYPTION_KEYS: KEYS,
        JWT_PRIVATE_KEY_PATH: file,
      }),
      logger,
    );
    const fromEnv = loadSigningKey(
      loadConfig({
        NODE_ENV: 'production',
        BARONG_SMTP_HOST: 'smtp.example',
        BARONG_ENCRYPTION_KEYS: KEYS,
        JWT_PRIVATE_KEY: Buffer.from(pem).toString('base64'),
      }),
      logger,
    );
    expect(fromPath.export({ type: 'pkcs8', format: 'pem' })).toBe(pem);
    expect(fromEnv.export({ type: 'pkcs8', format: 'pem' })).toBe(pem);
  });
});
