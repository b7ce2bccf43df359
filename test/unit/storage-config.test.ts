import { describe, expect, it } from 'vitest';
import type { ConfigError } from '../../src/config/index.js';
import { loadConfig } from '../../src/config/index.js';
import { createFileStorage } from '../../src/lib/storage/create-file-storage.js';
import { LocalStorage } from '../../src/lib/storage/local-storage.js';
import { S3Storage } from '../../src/lib/storage/s3-storage.js';

const base = { NODE_ENV: 'test' };

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig({ ...base, ...env });
    return [];
  } catch (err) {
    return (err as ConfigError).problems;
  }
}

describe('document and storage settings', () => {
  it("defaults to Barong's: types, required expiry, 10 documents, jpg/jpeg/png/pdf, 10 MB, 60 s links, local disk", async () => {
    const c = loadConfig(base);
    expect(c.documents).toEqual({
      types: ['Passport', 'Identity card', 'Driver license', 'Utility Bill', 'Residental', 'Institutional', 'Address'],
      requireExpiry: true,
      perUserLimit: 10,
    });
    expect(c.uploads).toEqual({
      extensions: ['jpg', 'jpeg', 'png', 'pdf'],
      maxBytes: 10 * 1024 * 1024,
      urlExpirationSeconds: 60,
    });
    expect(c.storage).toMatchObject({
      provider: 'local',
      localPath: '.dev/uploads',
      s3: { region: 'us-east-1', pathStyle: false },
    });
    expect(await createFileStorage(c)).toBeInstanceOf(LocalStorage);
  });

  it('reads the settings', async () => {
    const c = loadConfig({
      ...base,
      BARONG_DOCUMENT_TYPES: 'Passport, Residence permit',
      BARONG_REQUIRED_DOCS_EXPIRE: 'false',
      BARONG_DOC_NUM_LIMIT: '3',
      BARONG_UPLOAD_EXTENSION_WHITELIST: 'PNG,pdf',
      BARONG_UPLOAD_SIZE_MAX_RANGE: '2',
      BARONG_UPLOAD_AUTH_URL_EXPIRATION: '300',
      BARONG_STORAGE_PROVIDER: 's3',
      BARONG_STORAGE_BUCKET_NAME: 'kyc',
      BARONG_STORAGE_ENDPOINT: 'http://127.0.0.1:9000',
      BARONG_STORAGE_PATHSTYLE: 'true',
    });
    expect(c.documents).toEqual({ types: ['Passport', 'Residence permit'], requireExpiry: false, perUserLimit: 3 });
    expect(c.uploads).toEqual({ extensions: ['png', 'pdf'], maxBytes: 2 * 1024 * 1024, urlExpirationSeconds: 300 });
    const storage = await createFileStorage(c);
    expect(storage).toBeInstanceOf(S3Storage);
    (storage as S3Storage).close();
  });

  it('refuses to start on settings it cannot honour, naming each', () => {
    expect(problems({ BARONG_STORAGE_PROVIDER: 's3' })).toContain(
      'BARONG_STORAGE_BUCKET_NAME: required when BARONG_STORAGE_PROVIDER=s3',
    );
    expect(problems({ BARONG_STORAGE_ACCESS_KEY: 'only-one' })).toContain(
      'BARONG_STORAGE_ACCESS_KEY and BARONG_STORAGE_SECRET_KEY: set both or neither',
    );
    expect(problems({ BARONG_STORAGE_ENDPOINT: 'ftp://x' })[0]).toMatch(
      /^BARONG_STORAGE_ENDPOINT: must be an http\(s\) URL/,
    );
    expect(problems({ BARONG_UPLOAD_EXTENSION_WHITELIST: 'png,exe' })[0]).toMatch(
      /^BARONG_UPLOAD_EXTENSION_WHITELIST: each entry must be one of/,
    );
    expect(problems({ BARONG_STORAGE_PROVIDER: 'Google' })[0]).toMatch(/^BARONG_STORAGE_PROVIDER/);
    expect(problems({ BARONG_DOC_NUM_LIMIT: '0' })[0]).toMatch(/^BARONG_DOC_NUM_LIMIT/);
    expect(problems({ BARONG_DOCUMENT_TYPES: ' , ' })).toContain(
      'BARONG_DOCUMENT_TYPES: at least one document type is required',
    );
  });
});
