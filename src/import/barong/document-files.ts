/**
 * KYC files from Barong's CarrierWave storage into ours. CarrierWave keeps a document's file under
 * `uploads/document/upload/<document id>/<file name>` — below Rails' public/ directory with the local provider, as
 * the object key in the bucket with fog (AWS, Google's S3-compatible XML API, MinIO …). Each copy lands under a key
 * made from the document id (so a second run finds it), is read back and checked by size and SHA-256; a file
 * already there with the same bytes is left alone.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FileStorage } from '../../lib/storage/file-storage.js';
import { FILE_TYPES_BY_EXTENSION, servedTypeOfBytes } from '../../lib/storage/served-file.js';
import type { ImportContext } from './table-spec.js';

/** Where Barong's files are: reads the bytes of a document's file, undefined when it is not there. */
export interface UploadSource {
  read(documentId: number, fileName: string): Promise<Buffer | undefined>;
  close?(): void;
}

/** Our key of an imported document's file: `documents/barong/<id>.<extension of Barong's file name>`. */
export function importedUploadKey(documentId: number, fileName: string): string {
  const extension = path.posix.extname(fileName).slice(1).toLowerCase();
  return `documents/barong/${documentId}.${extension in FILE_TYPES_BY_EXTENSION ? extension : 'bin'}`;
}

/** CarrierWave's store_dir for Document#upload, relative to the uploads root. */
export function carrierWavePath(documentId: number, fileName: string): string {
  if (!fileName || fileName.includes('/') || fileName === '.' || fileName === '..')
    throw new Error('unexpected upload file name');
  return `document/upload/${documentId}/${fileName}`;
}

/** `--uploads DIR`: Barong's `public/uploads` directory (or a copy of it). */
export function localUploads(root: string): UploadSource {
  const base = path.resolve(root);
  return {
    async read(documentId, fileName) {
      try {
        return await readFile(path.join(base, carrierWavePath(documentId, fileName)));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
  };
}

export interface S3UploadsOptions {
  bucket: string;
  /** Key prefix before `document/upload/…`; CarrierWave's default is `uploads`. */
  prefix: string;
  region: string;
  endpoint?: string;
  accessKey?: string;
  secretKey?: string;
  pathStyle: boolean;
}

/** `--uploads-s3-bucket …`: the bucket Barong's fog storage wrote to. */
export async function s3Uploads(options: S3UploadsOptions): Promise<UploadSource> {
  const { GetObjectCommand, S3Client } = await import('@aws-sdk/client-s3');
  const client = new S3Client({
    region: options.region,
    endpoint: options.endpoint,
    forcePathStyle: options.pathStyle,
    credentials:
      options.accessKey && options.secretKey
        ? { accessKeyId: options.accessKey, secretAccessKey: options.secretKey }
        : undefined,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const prefix = options.prefix.replace(/^\/+|\/+$/g, '');
  return {
    async read(documentId, fileName) {
      const key = [prefix, carrierWavePath(documentId, fileName)].filter(Boolean).join('/');
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: options.bucket, Key: key }));
        return object.Body ? Buffer.from(await object.Body.transformToByteArray()) : undefined;
      } catch (err) {
        if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
        throw err;
      }
    },
    close: () => client.destroy(),
  };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

export interface CopiedFile {
  contentType: string;
  size: number;
}

export class DocumentFiles {
  copied = 0;
  unchanged = 0;

  constructor(
    private readonly source: UploadSource,
    private readonly target: FileStorage,
  ) {}

  /** Copies (in a dry run: only reads) the file of a document; a failure is reported and answers undefined. */
  async carry(documentId: number, fileName: string, key: string, ctx: ImportContext): Promise<CopiedFile | undefined> {
    const fail = (reason: string) => {
      ctx.problems.add({ table: 'documents', id: documentId, column: 'upload', reason });
      return undefined;
    };
    let bytes: Buffer | undefined;
    try {
      bytes = await this.source.read(documentId, fileName);
    } catch (err) {
      return fail(`the file could not be read: ${(err as Error).message}`);
    }
    if (!bytes) return fail("the file is not in Barong's storage");
    const file = { contentType: await servedTypeOfBytes(bytes), size: bytes.length };
    const digest = sha256(bytes);
    if (ctx.dryRun) return file;
    try {
      const present = await this.target.read(key);
      if (present && present.length === bytes.length && sha256(present) === digest) {
        this.unchanged++;
        return file;
      }
      await this.target.put(key, bytes);
      const stored = await this.target.read(key);
      if (!stored || stored.length !== bytes.length || sha256(stored) !== digest)
        return fail('the copy does not match the original (size or SHA-256)');
    } catch (err) {
      return fail(`the file could not be stored: ${(err as Error).message}`);
    }
    this.copied++;
    return file;
  }
}
