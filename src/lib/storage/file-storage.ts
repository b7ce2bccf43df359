/**
 * Where uploaded KYC files live. One interface, two implementations: the local disk (default; files are served
 * only through HMAC-signed, expiring links to the /uploads route) and an S3-compatible bucket (presigned GET URLs).
 * Keys are relative paths made by the server (`documents/<uid>/<random>.<ext>`), never by clients.
 */
export interface FileStorage {
  /**
   * Stores `bytes` under `key`, replacing any object already there. The caller names no content type: a file is
   * only ever served as the type its bytes show, and as an attachment (served-file.ts).
   */
  put(key: string, bytes: Buffer): Promise<void>;
  /** The object's bytes, or undefined when there is none (the Barong import checks each copy with it). */
  read(key: string): Promise<Buffer | undefined>;
  /** Removes the object; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** A link that opens the object for `ttlSeconds`, then stops working. */
  url(key: string, ttlSeconds: number): Promise<string>;
  /** Releases connections, if the implementation holds any. */
  close?(): void;
}

/** A key made of safe path segments: letters, digits, `.`, `_`, `-`; no empty, `.` or `..` segment. */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

export function isSafeKey(key: string): boolean {
  if (key.length === 0 || key.length > 255) return false;
  return key.split('/').every((s) => SEGMENT.test(s) && s !== '.' && s !== '..');
}

export function assertSafeKey(key: string): void {
  if (!isSafeKey(key)) throw new Error(`unsafe storage key: ${JSON.stringify(key)}`);
}
