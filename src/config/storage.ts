import { z } from 'zod';
import { defineArea } from './area.js';
import { bool, int, isHttpUrl, list, optional, str } from './values.js';

/** Upload extensions whose files can be recognised by their magic bytes (src/domain/kyc/upload-checks.ts). */
export const UPLOAD_EXTENSIONS = ['jpg', 'jpeg', 'png', 'pdf', 'gif', 'webp', 'tif', 'tiff', 'bmp'];

export interface StorageSettings {
  /** Identity documents: allowed `doc_type`s (exact case), whether `doc_expire` is required, documents per user. */
  documents: { types: string[]; requireExpiry: boolean; perUserLimit: number };
  /** Uploaded files: allowed extensions (checked by content type and magic bytes), size limit, signed URL lifetime. */
  uploads: { extensions: string[]; maxBytes: number; urlExpirationSeconds: number };
  storage: {
    provider: 'local' | 's3';
    /** Directory of the local provider (outside any served root). */
    localPath: string;
    s3: {
      bucket?: string;
      accessKey?: string;
      secretKey?: string;
      endpoint?: string;
      region: string;
      pathStyle: boolean;
    };
  };
}

const shape = {
  BARONG_DOCUMENT_TYPES: list(
    'Passport,Identity card,Driver license,Utility Bill,Residental,Institutional,Address',
  ).meta({
    description: "allowed `doc_type`s, exact case (Barong's `document_types`)",
    values: 'comma list, at least one',
  }),
  BARONG_REQUIRED_DOCS_EXPIRE: bool(true).describe(
    'documents need a `doc_expire` that is not past (not address proofs)',
  ),
  BARONG_DOC_NUM_LIMIT: int(10, 1).describe(
    'documents (address proofs included) per user; also the most files in one upload',
  ),
  BARONG_UPLOAD_EXTENSION_WHITELIST: list('jpg,jpeg,png,pdf')
    .transform((l) => l.map((e) => e.toLowerCase()))
    .meta({ description: 'allowed upload types', values: `comma list of ${UPLOAD_EXTENSIONS.join(', ')}` }),
  BARONG_UPLOAD_SIZE_MAX_RANGE: int(10, 1).describe('largest upload file, in megabytes (larger answers 413)'),
  BARONG_UPLOAD_AUTH_URL_EXPIRATION: int(60, 1).describe(
    'seconds a file link from `GET /documents` works (Barong: minutes)',
  ),
  BARONG_STORAGE_PROVIDER: z
    .enum(['local', 's3'])
    .optional()
    .default('local')
    .describe('`local` (disk) or `s3` (any S3-compatible store)'),
  BARONG_STORAGE_LOCAL_PATH: str('.dev/uploads').meta({
    description: 'directory of the local provider; keep it outside any served directory',
    values: 'path',
  }),
  BARONG_STORAGE_BUCKET_NAME: optional.describe('bucket (required with `s3`)'),
  BARONG_STORAGE_ACCESS_KEY: optional.describe(
    "S3 access key (both keys or neither; neither uses the AWS SDK's default chain)",
  ),
  BARONG_STORAGE_SECRET_KEY: optional.describe('S3 secret key (both keys or neither)'),
  BARONG_STORAGE_ENDPOINT: optional.meta({
    description: 'S3-compatible endpoint (MinIO, Ceph, …)',
    values: 'http(s) URL',
    default: 'AWS',
  }),
  BARONG_STORAGE_REGION: str('us-east-1').describe('S3 region (signing)'),
  BARONG_STORAGE_PATHSTYLE: bool(false).describe(
    'path-style addressing (`<endpoint>/<bucket>/<key>`, needed by most S3-compatible stores)',
  ),
};

function check(e: z.output<z.ZodObject<typeof shape>>, problems: string[]): void {
  const unknownExtensions = e.BARONG_UPLOAD_EXTENSION_WHITELIST.filter((x) => !UPLOAD_EXTENSIONS.includes(x));
  if (unknownExtensions.length || !e.BARONG_UPLOAD_EXTENSION_WHITELIST.length) {
    problems.push(`BARONG_UPLOAD_EXTENSION_WHITELIST: each entry must be one of ${UPLOAD_EXTENSIONS.join(', ')}`);
  }
  if (!e.BARONG_DOCUMENT_TYPES.length) problems.push('BARONG_DOCUMENT_TYPES: at least one document type is required');
  if (e.BARONG_STORAGE_PROVIDER === 's3' && !e.BARONG_STORAGE_BUCKET_NAME) {
    problems.push('BARONG_STORAGE_BUCKET_NAME: required when BARONG_STORAGE_PROVIDER=s3');
  }
  if (Boolean(e.BARONG_STORAGE_ACCESS_KEY) !== Boolean(e.BARONG_STORAGE_SECRET_KEY)) {
    problems.push('BARONG_STORAGE_ACCESS_KEY and BARONG_STORAGE_SECRET_KEY: set both or neither');
  }
  if (e.BARONG_STORAGE_ENDPOINT && !isHttpUrl(e.BARONG_STORAGE_ENDPOINT)) {
    problems.push('BARONG_STORAGE_ENDPOINT: must be an http(s) URL such as https://s3.eu-west-1.amazonaws.com');
  }
}

export const storage = defineArea({
  title: 'KYC documents and file storage',
  secrets: ['BARONG_STORAGE_ACCESS_KEY', 'BARONG_STORAGE_SECRET_KEY'],
  shape,
  read(e, { problems }): StorageSettings {
    check(e, problems);
    return {
      documents: {
        types: e.BARONG_DOCUMENT_TYPES,
        requireExpiry: e.BARONG_REQUIRED_DOCS_EXPIRE,
        perUserLimit: e.BARONG_DOC_NUM_LIMIT,
      },
      uploads: {
        extensions: [...new Set(e.BARONG_UPLOAD_EXTENSION_WHITELIST)],
        // Barong parity: the setting is in megabytes.
        maxBytes: e.BARONG_UPLOAD_SIZE_MAX_RANGE * 1024 * 1024,
        // Barong counts minutes; seconds here, so links can be kept short.
        urlExpirationSeconds: e.BARONG_UPLOAD_AUTH_URL_EXPIRATION,
      },
      storage: {
        provider: e.BARONG_STORAGE_PROVIDER,
        localPath: e.BARONG_STORAGE_LOCAL_PATH,
        s3: {
          bucket: e.BARONG_STORAGE_BUCKET_NAME,
          accessKey: e.BARONG_STORAGE_ACCESS_KEY,
          secretKey: e.BARONG_STORAGE_SECRET_KEY,
          endpoint: e.BARONG_STORAGE_ENDPOINT,
          region: e.BARONG_STORAGE_REGION,
          pathStyle: e.BARONG_STORAGE_PATHSTYLE,
        },
      },
    };
  },
});
