/**
 * Files on the local disk, under a directory outside any served root. They are reachable only through
 * `url()`: `<prefix>/<key>?expires=<unix seconds>&signature=<HMAC-SHA256 of key and expiry>`, checked by
 * `open()` (the /uploads route, src/api/files/file-routes.ts), which gives the type the file's bytes show
 * (served-file.ts), whatever anyone claimed for it.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { assertSafeKey, isSafeKey, type FileStorage } from './file-storage.js';
import { servedTypeOfBytes } from './served-file.js';

export interface StoredFile {
  bytes: Buffer;
  contentType: string;
}

export type OpenResult = { ok: true; file: StoredFile } | { ok: false; reason: 'invalid_signature' | 'not_found' };

export class LocalStorage implements FileStorage {
  private readonly root: string;

  constructor(
    root: string,
    private readonly signingKey: Buffer,
    private readonly urlPrefix = '/uploads',
    private readonly now: () => number = () => Date.now(),
  ) {
    this.root = path.resolve(root);
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    const file = this.pathOf(key);
    await mkdir(path.dirname(file), { recursive: true });
    // Write then rename, so a reader never sees half a file.
    const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(tmp, bytes, { mode: 0o600 });
    await rename(tmp, file);
  }

  async read(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.pathOf(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async url(key: string, ttlSeconds: number): Promise<string> {
    assertSafeKey(key);
    const expires = Math.floor(this.now() / 1000) + ttlSeconds;
    const query = new URLSearchParams({ expires: String(expires), signature: this.sign(key, expires) });
    return `${this.urlPrefix}/${key}?${query}`;
  }

  /** The file behind a signed link, if the signature is this server's for exactly this key and has not expired. */
  async open(key: string, expires: string | undefined, signature: string | undefined): Promise<OpenResult> {
    if (!this.verify(key, expires, signature)) return { ok: false, reason: 'invalid_signature' };
    try {
      const bytes = await readFile(this.pathOf(key));
      return { ok: true, file: { bytes, contentType: await servedTypeOfBytes(bytes) } };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: false, reason: 'not_found' };
      throw err;
    }
  }

  verify(key: string, expires: string | undefined, signature: string | undefined): boolean {
    if (!isSafeKey(key) || !expires || !signature) return false;
    if (!/^\d{1,12}$/.test(expires)) return false;
    const expiresAt = Number(expires);
    if (expiresAt * 1000 < this.now()) return false;
    const expected = Buffer.from(this.sign(key, expiresAt));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private sign(key: string, expires: number): string {
    return createHmac('sha256', this.signingKey).update(`${key}\n${expires}`).digest('base64url');
  }

  /** The absolute path of a key, refusing anything that would leave the storage directory. */
  private pathOf(key: string): string {
    assertSafeKey(key);
    const file = path.resolve(this.root, key);
    if (!file.startsWith(this.root + path.sep)) throw new Error(`storage key escapes the storage directory: ${key}`);
    return file;
  }
}
