/**
 * Barong's document files from an S3-compatible bucket (CarrierWave's fog storage) into our S3 storage, through the
 * S3 stand-in: copied, read back and checked; a second pass leaves a file with the same bytes alone; a missing file
 * and a refused upload are reported per document; a dry run only reads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentFiles, s3Uploads, type UploadSource } from '../../src/import/barong/document-files.js';
import { BarongEncryption } from '../../src/import/barong/message-encryptor.js';
import { ProblemLog } from '../../src/import/barong/problems.js';
import type { ImportContext } from '../../src/import/barong/table-spec.js';
import { Encryptor } from '../../src/lib/encryptor.js';
import { S3Storage } from '../../src/lib/storage/s3-storage.js';
import { PDF, PNG } from '../support/sample-files.js';
import { startS3StandIn, type S3StandIn } from '../support/s3-stand-in.js';

let s3: S3StandIn;
let source: UploadSource;
let target: S3Storage;

const context = (dryRun = false): ImportContext => ({
  barong: new BarongEncryption('unused'),
  encryptor: new Encryptor([{ version: 1, key: Buffer.alloc(32, 1) }]),
  problems: new ProblemLog(),
  dryRun,
  vaultTotpPrefix: 'barong',
});

beforeAll(async () => {
  s3 = await startS3StandIn();
  const bucket = { region: 'us-east-1', endpoint: s3.url, pathStyle: true, accessKey: 'k', secretKey: 's' };
  source = await s3Uploads({ ...bucket, bucket: 'barong-kyc', prefix: 'uploads' });
  target = new S3Storage({ ...bucket, bucket: 'ours' });
  s3.objects.set('/barong-kyc/uploads/document/upload/1/passport.png', PNG);
  s3.objects.set('/barong-kyc/uploads/document/upload/2/bill.pdf', PDF);
});

afterAll(async () => {
  source?.close?.();
  target?.close();
  await s3?.close();
});

describe('document files from a bucket', () => {
  it('copies, checks and, the second time, leaves equal files alone', async () => {
    const ctx = context();
    const files = new DocumentFiles(source, target);
    expect(await files.carry(1, 'passport.png', 'documents/barong/1.png', ctx)).toEqual({
      contentType: 'image/png',
      size: PNG.length,
    });
    expect(await files.carry(2, 'bill.pdf', 'documents/barong/2.pdf', ctx)).toMatchObject({ size: PDF.length });
    expect(s3.objects.get('/ours/documents/barong/1.png')).toEqual(PNG);
    expect(files.copied).toBe(2);
    const puts = s3.requests.filter((r) => r.method === 'PUT').length;
    await files.carry(1, 'passport.png', 'documents/barong/1.png', ctx);
    expect(s3.requests.filter((r) => r.method === 'PUT').length).toBe(puts);
    expect(files.unchanged).toBe(1);
    expect(ctx.problems.all).toEqual([]);
  });

  it('reports a missing file and a refused upload by document', async () => {
    const ctx = context();
    const files = new DocumentFiles(source, target);
    expect(await files.carry(3, 'gone.png', 'documents/barong/3.png', ctx)).toBeUndefined();
    s3.objects.delete('/ours/documents/barong/2.pdf');
    s3.failPut(1);
    expect(await files.carry(2, 'bill.pdf', 'documents/barong/2.pdf', ctx)).toBeUndefined();
    expect(ctx.problems.all.map((p) => [p.id, p.column, p.reason.split(':')[0]])).toEqual([
      [3, 'upload', "the file is not in Barong's storage"],
      [2, 'upload', 'the file could not be stored'],
    ]);
  });

  it('only reads in a dry run', async () => {
    const files = new DocumentFiles(source, target);
    const puts = s3.requests.filter((r) => r.method === 'PUT').length;
    expect(await files.carry(2, 'bill.pdf', 'documents/barong/2.pdf', context(true))).toMatchObject({
      size: PDF.length,
    });
    expect(s3.requests.filter((r) => r.method === 'PUT').length).toBe(puts);
  });
});
