import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, SECRET_SETTINGS } from '../../src/config/index.js';
import { derivedBlindIndexKey } from '../../src/config/encryption.js';

const dir = mkdtempSync(path.join(tmpdir(), 'barong-secret-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function secretFile(name: string, contents: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, contents);
  return file;
}

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

const key32 = (fill: number) => Buffer.alloc(32, fill).toString('base64');

describe('secret settings read from files (X_FILE)', () => {
  it('covers every secret setting', () => {
    expect([...SECRET_SETTINGS].sort()).toEqual(
      [
        'BARONG_ADMIN_PASSWORD',
        'BARONG_BLIND_INDEX_KEY',
        'BARONG_BLIND_INDEX_PREVIOUS_KEY',
        'BARONG_ENCRYPTION_KEYS',
        'BARONG_EVENT_API_RABBITMQ_PASSWORD',
        'BARONG_EVENT_API_RABBITMQ_URL',
        'BARONG_GEETEST_KEY',
        'BARONG_IMPORT_S3_ACCESS_KEY',
        'BARONG_IMPORT_S3_SECRET_KEY',
        'BARONG_METRICS_TOKEN',
        'BARONG_RECAPTCHA_SECRET_KEY',
        'BARONG_REDIS_URL',
        'BARONG_SMTP_PASSWORD',
        'BARONG_STORAGE_ACCESS_KEY',
        'BARONG_STORAGE_SECRET_KEY',
        'BARONG_TWILIO_AUTH_TOKEN',
        'BARONG_VAULT_TOKEN',
        'DATABASE_PASS',
        'DATABASE_URL',
        'EVENT_API_RABBITMQ_PASSWORD',
        'EVENT_API_RABBITMQ_URL',
        'JWT_PRIVATE_KEY',
        'REDIS_PASSWORD',
        'REDIS_SENTINEL_PASSWORD',
        'REDIS_URL',
        'VAULT_TOKEN',
      ].sort(),
    );
  });

  it.each([
    ['DATABASE_PASS', 's3cret', (c: ReturnType<typeof loadConfig>) => c.database.password],
    ['BARONG_SMTP_PASSWORD', 'mail pass', (c: ReturnType<typeof loadConfig>) => c.smtp.password],
    ['REDIS_URL', 'redis://:pw@cache:6379/2', (c: ReturnType<typeof loadConfig>) => (c.redis as { url: string }).url],
    ['BARONG_STORAGE_SECRET_KEY', 'abc/def', (c: ReturnType<typeof loadConfig>) => c.storage.s3.secretKey],
    ['JWT_PRIVATE_KEY', 'LS0tLS1CRUdJTg==', (c: ReturnType<typeof loadConfig>) => c.jwt.privateKeyBase64],
    ['BARONG_VAULT_TOKEN', 'hvs.test-token', (c: ReturnType<typeof loadConfig>) => c.vault?.token],
  ])('reads %s from the file %s_FILE names, its trailing newline dropped', (name, value, pick) => {
    const needs: Record<string, Record<string, string>> = {
      BARONG_STORAGE_SECRET_KEY: { BARONG_STORAGE_ACCESS_KEY: 'AKIA' },
      BARONG_VAULT_TOKEN: { BARONG_VAULT_ADDRESS: 'http://vault:8200' },
    };
    const extra = needs[name] ?? {};
    const config = loadConfig({ ...extra, [`${name}_FILE`]: secretFile(name, `${value}\n`) });
    expect(pick(config)).toBe(value);
  });

  it('drops every trailing line break (CRLF too) and nothing else', () => {
    const file = secretFile('crlf', '  spaced pass \r\n\r\n');
    expect(loadConfig({ DATABASE_PASS_FILE: file }).database.password).toBe('  spaced pass ');
  });

  it('reads the encryption and blind-index keys from files', () => {
    const config = loadConfig({
      BARONG_ENCRYPTION_KEYS_FILE: secretFile('enc', `2:${key32(2)},1:${key32(1)}\n`),
      BARONG_BLIND_INDEX_KEY_FILE: secretFile('index', `${key32(9)}\n`),
    });
    expect(config.encryptionKeys.map((k) => k.version)).toEqual([2, 1]);
    expect(config.blindIndexKeys).toEqual([Buffer.alloc(32, 9)]);
  });

  it('refuses a variable given both ways, naming it and not the value', () => {
    const problems = problemsOf({
      BARONG_SMTP_PASSWORD: 'inline-secret',
      BARONG_SMTP_PASSWORD_FILE: secretFile('smtp', 'file-secret'),
    });
    expect(problems).toEqual(['BARONG_SMTP_PASSWORD and BARONG_SMTP_PASSWORD_FILE: both are set; give one of them']);
  });

  it('reports a missing or unreadable file as a problem naming the variable, never the contents', () => {
    const missing = path.join(dir, 'nowhere');
    const locked = secretFile('locked', 'hidden-value');
    chmodSync(locked, 0o000);
    const problems = problemsOf({
      DATABASE_PASS_FILE: missing,
      BARONG_TWILIO_AUTH_TOKEN_FILE: dir,
      BARONG_GEETEST_KEY_FILE: locked,
    });
    expect(problems).toContain(`DATABASE_PASS_FILE: cannot read ${missing} (ENOENT)`);
    expect(problems).toContain(`BARONG_TWILIO_AUTH_TOKEN_FILE: cannot read ${dir} (EISDIR)`);
    // root reads any file; anybody else is refused.
    if (process.getuid?.() !== 0) expect(problems).toContain(`BARONG_GEETEST_KEY_FILE: cannot read ${locked} (EACCES)`);
    expect(problems.join('\n')).not.toContain('hidden-value');
  });

  it('reports file problems together with the other bad values', () => {
    const problems = problemsOf({ PORT: 'eighty', DATABASE_PASS_FILE: path.join(dir, 'nowhere') });
    expect(problems.map((p) => p.split(':')[0])).toEqual(['DATABASE_PASS_FILE', 'PORT']);
  });

  it('treats an empty X_FILE as unset, and leaves settings without a secret alone', () => {
    expect(loadConfig({ DATABASE_PASS: 'inline', DATABASE_PASS_FILE: '' }).database.password).toBe('inline');
    expect(() => loadConfig({ DATABASE_HOST_FILE: '/nonexistent' })).not.toThrow();
  });
});

describe('blind-index keys (BARONG_BLIND_INDEX_KEY, BARONG_BLIND_INDEX_PREVIOUS_KEY)', () => {
  const encryption = `1:${key32(1)},2:${key32(2)}`;
  const derived = derivedBlindIndexKey([{ version: 1, key: Buffer.alloc(32, 1) }]);

  it('default to the key derived from the oldest encryption key, as before the setting existed', () => {
    expect(loadConfig({ BARONG_ENCRYPTION_KEYS: encryption }).blindIndexKeys).toEqual([derived]);
  });

  it('put the own key first and keep the previous one for lookups', () => {
    const config = loadConfig({
      BARONG_ENCRYPTION_KEYS: encryption,
      BARONG_BLIND_INDEX_KEY: key32(7),
      BARONG_BLIND_INDEX_PREVIOUS_KEY: 'derived',
    });
    expect(config.blindIndexKeys).toEqual([Buffer.alloc(32, 7), derived]);
    const rotated = loadConfig({
      BARONG_ENCRYPTION_KEYS: encryption,
      BARONG_BLIND_INDEX_KEY: key32(8),
      BARONG_BLIND_INDEX_PREVIOUS_KEY: key32(7),
    });
    expect(rotated.blindIndexKeys).toEqual([Buffer.alloc(32, 8), Buffer.alloc(32, 7)]);
  });

  it('refuse a key that is not 32 bytes', () => {
    expect(problemsOf({ BARONG_BLIND_INDEX_KEY: 'c2hvcnQ=' })).toEqual([
      'BARONG_BLIND_INDEX_KEY: must be the base64 of 32 bytes',
    ]);
    expect(problemsOf({ BARONG_BLIND_INDEX_PREVIOUS_KEY: 'nope' })).toEqual([
      'BARONG_BLIND_INDEX_PREVIOUS_KEY: must be the base64 of 32 bytes, or "derived"',
    ]);
  });
});
