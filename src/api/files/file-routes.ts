/**
 * GET /uploads/<key>?expires=…&signature=…: the files of the local storage provider, outside the contract.
 * Only a link made by this server for exactly that key, and not yet expired, opens a file (the owner gets it
 * from GET /resource/documents); anything else is 403 `upload.invalid_signature`. A file is a sandboxed
 * attachment of the type its bytes show: never a page of this origin (served-file.ts).
 */
import type { Router } from 'express';
import { createRouter } from '../routing.js';
import type { LocalStorage } from '../../lib/storage/local-storage.js';
import { attachmentDisposition, SERVED_FILE_HEADERS } from '../../lib/storage/served-file.js';
import { errorBody } from '../../errors/app-error.js';

const first = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function createFileRoutes(storage: LocalStorage): Router {
  const router = createRouter();
  router.get('/uploads/*key', async (req, res) => {
    const segments = (req.params as { key?: string[] | string }).key ?? [];
    const key = Array.isArray(segments) ? segments.join('/') : segments;
    const result = await storage.open(key, first(req.query.expires), first(req.query.signature));
    if (!result.ok) {
      const notFound = result.reason === 'not_found';
      res.status(notFound ? 404 : 403).json(errorBody(notFound ? 'record.not_found' : 'upload.invalid_signature'));
      return;
    }
    res
      .status(200)
      .set({
        ...SERVED_FILE_HEADERS,
        'Content-Type': result.file.contentType,
        'Content-Length': String(result.file.bytes.length),
        'Content-Disposition': attachmentDisposition(key),
      })
      .end(result.file.bytes);
  });
  return router;
}
