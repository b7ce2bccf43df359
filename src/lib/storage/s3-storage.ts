/**
 * Files in an S3-compatible bucket (AWS S3, MinIO, Ceph, …), written with PutObject and read by clients through
 * presigned GET URLs (SigV4, `X-Amz-Expires`). Checksums are sent only where the API requires them, which keeps
 * older S3-compatible servers working. An object is stored with the type its bytes show and as an attachment, and
 * its link asks S3 to answer so too (response-content-type / -disposition), whatever the object's metadata says
 * by then. S3 sets no nosniff or CSP header on request; the bucket's own origin keeps the file off ours.
 */
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { assertSafeKey, type FileStorage } from './file-storage.js';
import { attachmentDisposition, servedTypeOfBytes, servedTypeOfKey } from './served-file.js';

export interface S3StorageOptions {
  bucket: string;
  region: string;
  endpoint?: string;
  accessKey?: string;
  secretKey?: string;
  pathStyle: boolean;
}

export class S3Storage implements FileStorage {
  private readonly client: S3Client;

  constructor(private readonly options: S3StorageOptions) {
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.pathStyle,
      // Without explicit keys the SDK's default chain applies (environment, instance role …).
      credentials:
        options.accessKey && options.secretKey
          ? { accessKeyId: options.accessKey, secretAccessKey: options.secretKey }
          : undefined,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
    });
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    assertSafeKey(key);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: key,
        Body: bytes,
        ContentType: await servedTypeOfBytes(bytes),
        ContentDisposition: attachmentDisposition(key),
        ContentLength: bytes.length,
      }),
    );
  }

  async read(key: string): Promise<Buffer | undefined> {
    assertSafeKey(key);
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
      return object.Body ? Buffer.from(await object.Body.transformToByteArray()) : undefined;
    } catch (err) {
      if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertSafeKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: key }));
  }

  async url(key: string, ttlSeconds: number): Promise<string> {
    assertSafeKey(key);
    // The key's extension is the one the server chose from the bytes (documents-service.ts).
    const get = new GetObjectCommand({
      Bucket: this.options.bucket,
      Key: key,
      ResponseContentType: servedTypeOfKey(key),
      ResponseContentDisposition: attachmentDisposition(key),
    });
    return getSignedUrl(this.client, get, { expiresIn: ttlSeconds });
  }

  close(): void {
    this.client.destroy();
  }
}
