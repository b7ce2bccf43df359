import { describe, expect, it } from 'vitest';
import { checkUpload, type UploadedFile, type UploadRules } from '../../src/domain/kyc/upload-checks.js';
import { HTML, JPEG, PDF, PNG, SVG, TEXT } from '../support/sample-files.js';

const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
/** The default whitelist. */
const RULES: UploadRules = { extensions: ['jpg', 'jpeg', 'png', 'pdf'], maxBytes: 1024 };
/** A size limit of the PNG's own size, so the boundary is one byte away. */
const TIGHT: UploadRules = { ...RULES, maxBytes: PNG.length };
const file = (bytes: Buffer, originalName: string, mimeType: string): UploadedFile => ({
  bytes,
  originalName,
  mimeType,
});

describe('checkUpload accepts a file whose name, declared type and bytes agree', () => {
  it.each<[string, UploadedFile, string, string]>([
    ['a PNG', file(PNG, 'passport.png', 'image/png'), 'png', 'image/png'],
    ['a JPEG named .jpeg, stored as .jpg', file(JPEG, 'photo.jpeg', 'image/jpeg'), 'jpg', 'image/jpeg'],
    ['a JPEG declared image/jpg', file(JPEG, 'photo.jpg', 'image/jpg'), 'jpg', 'image/jpeg'],
    ['a JPEG declared image/pjpeg', file(JPEG, 'photo.jpg', 'image/pjpeg'), 'jpg', 'image/jpeg'],
    ['a PNG declared image/x-png', file(PNG, 'passport.png', 'image/x-png'), 'png', 'image/png'],
    [
      'a declared type with parameters, in capitals',
      file(PNG, 'passport.png', 'IMAGE/PNG; charset=binary'),
      'png',
      'image/png',
    ],
    ['an extension in capitals', file(PNG, 'PASSPORT.PNG', 'image/png'), 'png', 'image/png'],
    ['a name without an extension', file(PNG, 'passport', 'image/png'), 'png', 'image/png'],
    ['a PDF', file(PDF, 'scan.pdf', 'application/pdf'), 'pdf', 'application/pdf'],
  ])('%s', async (_name, upload, extension, contentType) => {
    expect(await checkUpload(upload, RULES)).toEqual({ ok: true, file: { ...upload, extension, contentType } });
  });

  it('takes another recognisable type once the whitelist has it', async () => {
    const gif = file(GIF, 'scan.gif', 'image/gif');
    expect(await checkUpload(gif, RULES)).toEqual({ ok: false, key: 'upload.extension_whitelist_error' });
    expect(await checkUpload(gif, { ...RULES, extensions: [...RULES.extensions, 'gif'] })).toMatchObject({
      ok: true,
      file: { extension: 'gif', contentType: 'image/gif' },
    });
  });
});

describe('checkUpload refuses', () => {
  it.each<[string, UploadedFile, string]>([
    ['an empty file', file(Buffer.alloc(0), 'passport.png', 'image/png'), 'upload.min_size_error'],
    ['an extension off the list', file(PNG, 'passport.exe', 'image/png'), 'upload.extension_whitelist_error'],
    [
      'a recognisable extension off the list',
      file(PNG, 'passport.gif', 'image/png'),
      'upload.extension_whitelist_error',
    ],
    ['a declared type off the list', file(PNG, 'passport', 'text/html'), 'upload.content_type_whitelist_error'],
    [
      'a recognisable declared type off the list',
      file(GIF, 'scan', 'image/gif'),
      'upload.content_type_whitelist_error',
    ],
    ['text renamed to .png', file(TEXT, 'passport.png', 'image/png'), 'upload.integrity_error'],
    ['HTML renamed to .png', file(HTML, 'passport.png', 'image/png'), 'upload.integrity_error'],
    ['SVG renamed to .png', file(SVG, 'passport.png', 'image/png'), 'upload.integrity_error'],
    ['a PNG named and declared a PDF', file(PNG, 'passport.pdf', 'application/pdf'), 'upload.integrity_error'],
    ['a PNG declared a JPEG', file(PNG, 'passport.png', 'image/jpeg'), 'upload.integrity_error'],
    ['a PNG named .jpg', file(PNG, 'passport.jpg', 'image/png'), 'upload.integrity_error'],
  ])('%s', async (_name, upload, key) => {
    expect(await checkUpload(upload, RULES)).toEqual({ ok: false, key });
  });

  it('allows exactly the size limit, not a byte more', async () => {
    expect(await checkUpload(file(PNG, 'passport.png', 'image/png'), TIGHT)).toMatchObject({ ok: true });
    const over = file(Buffer.concat([PNG, Buffer.alloc(1)]), 'passport.png', 'image/png');
    expect(await checkUpload(over, TIGHT)).toEqual({ ok: false, key: 'upload.max_size_error' });
  });

  it('in order: size, then extension, then declared type, then the bytes', async () => {
    expect(await checkUpload(file(Buffer.alloc(0), 'x.exe', 'text/html'), RULES)).toEqual({
      ok: false,
      key: 'upload.min_size_error',
    });
    const big = Buffer.concat([TEXT, Buffer.alloc(RULES.maxBytes)]);
    expect(await checkUpload(file(big, 'x.exe', 'text/html'), RULES)).toEqual({
      ok: false,
      key: 'upload.max_size_error',
    });
    expect(await checkUpload(file(TEXT, 'x.exe', 'text/html'), RULES)).toEqual({
      ok: false,
      key: 'upload.extension_whitelist_error',
    });
    expect(await checkUpload(file(TEXT, 'x.png', 'text/html'), RULES)).toEqual({
      ok: false,
      key: 'upload.content_type_whitelist_error',
    });
  });
});
