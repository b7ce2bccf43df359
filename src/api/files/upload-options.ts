/**
 * How multipart uploads are read (src/api/middleware/body-readers.ts hands these to multer): files are kept in
 * memory, never in a temporary file, up to the configured size (a larger file answers 413 before any handler
 * runs), at most one batch's worth of files, a handful of text fields of bounded size and shape, and Barong's
 * `upload[]` (or `upload[0]`) field name is read as `upload`, the name the contract declares.
 */
import type { Options } from 'multer';
import type { Config } from '../../config/index.js';

/** More text fields than any upload operation declares (documents: 6, addresses: 4), with room for Barong's extras. */
const MAX_FIELDS = 20;

export function uploadOptions(config: Config): Options {
  const files = config.documents.perUserLimit;
  return {
    limits: {
      fileSize: config.uploads.maxBytes,
      files,
      fields: MAX_FIELDS,
      parts: MAX_FIELDS + files,
      fieldSize: 64 * 1024,
      fieldNameSize: 100,
      // `a[999999]` would make a sparse array of that length; `a[b][c][d]…` nests without end.
      fieldNestingDepth: 2,
      fieldArrayIndexLimit: 100,
    },
    fileFilter: (_req, file, accept) => {
      file.fieldname = file.fieldname.replace(/\[\d*\]$/, '');
      accept(null, true);
    },
  };
}
