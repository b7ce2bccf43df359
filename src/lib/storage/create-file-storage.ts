/** Picks the storage implementation from configuration (BARONG_STORAGE_PROVIDER). */
import { createHmac } from 'node:crypto';
import type { Config } from '../../config/index.js';
import type { FileStorage } from './file-storage.js';
import { LocalStorage } from './local-storage.js';

/** The key that signs local upload links, derived from the newest encryption key (no extra secret to manage). */
export function uploadSigningKey(config: Config): Buffer {
  const newest = config.encryptionKeys[0];
  if (!newest) throw new Error('an encryption key is required to sign upload links');
  return createHmac('sha256', newest.key).update('barong upload links').digest();
}

/** The AWS SDK is imported only for the s3 provider: it weighs tens of MB that a local-disk server should not carry. */
export async function createFileStorage(config: Config): Promise<FileStorage> {
  if (config.storage.provider === 's3') {
    const { bucket, ...rest } = config.storage.s3;
    if (!bucket) throw new Error('BARONG_STORAGE_BUCKET_NAME is required for the s3 storage provider');
    const { S3Storage } = await import('./s3-storage.js');
    return new S3Storage({ bucket, ...rest });
  }
  return new LocalStorage(config.storage.localPath, uploadSigningKey(config));
}
