/**
 * How multipart uploads are read (express-openapi-validator hands these to multer): files are kept in memory
 * up to the configured size (a larger file answers 413 before any handler runs), at most one batch's worth of
 * files, and Barong's `upload[]` (or `upload[0]`) field name is read as `upload`, the name the contract declares.
 */
import type { Options } from 'multer';
import type { Config } from '../../config.js';

export function uploadOptions(config: Config): Options {
  return {
    limits: { fileSize: config.uploads.maxBytes, files: config.documents.perUserLimit },
    fileFilter: (_req, file, accept) => {
      file.fieldname = file.fieldname.replace(/\[\d*\]$/, '');
      accept(null, true);
    },
  };
}
