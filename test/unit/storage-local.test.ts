import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStorage } from '../../src/lib/storage/local-storage.js';
import { isSafeKey } from '../../src/lib/storage/file-storage.js';

const KEY = Buffer.alloc(32, 7);
let dir: string;
let storage: LocalStorage;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'barong-local-storage-'));
  storage = new LocalStorage(dir, KEY);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function parts(url: string) {
  const u = new URL(url, 'http://server');
  return { key: u.pathname.replace(/^\/uploads\//, ''), expires: u.searchParams.get('expires')!, signature: u.searchParams.get('signature')! };
}

describe('LocalStorage', () => {
  it('stores a file under its key inside the directory and opens it through its signed link, with its content type', async () => {
    await storage.put('documents/ID1/a.png', Buffer.from('png bytes'), 'image/png');
    expect(await readFile(path.join(dir, 'documents/ID1/a.png'), 'utf8')).toBe('png bytes');
    expect((await stat(path.join(dir, 'documents/ID1/a.png'))).mode & 0o077).toBe(0);
    const url = await storage.url('documents/ID1/a.png', 60);
    expect(url).toMatch(/^\/uploads\/documents\/ID1\/a\.png\?expires=\d+&signature=[\w-]{43}$/);
    const { key, expires, signature } = parts(url);
    const opened = await storage.open(key, expires, signature);
    expect(opened).toEqual({ ok: true, file: { bytes: Buffer.from('png bytes'), contentType: 'image/png' } });
  });

  it('signs for the given lifetime', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { expires } = parts(await storage.url('documents/ID1/a.png', 90));
    expect(Number(expires) - before).toBeGreaterThanOrEqual(90);
    expect(Number(expires) - before).toBeLessThanOrEqual(91);
  });

  it('refuses a signature made for another key, a changed expiry, a forged or missing signature', async () => {
    await storage.put('documents/ID2/b.png', Buffer.from('other'), 'image/png');
    const a = parts(await storage.url('documents/ID1/a.png', 60));
    expect(await storage.open('documents/ID2/b.png', a.expires, a.signature)).toEqual({ ok: false, reason: 'invalid_signature' });
    expect(await storage.open(a.key, String(Number(a.expires) + 3600), a.signature)).toEqual({ ok: false, reason: 'invalid_signature' });
    expect(await storage.open(a.key, a.expires, a.signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')))).toMatchObject({ ok: false });
    expect(await storage.open(a.key, a.expires, undefined)).toMatchObject({ ok: false, reason: 'invalid_signature' });
    expect(await storage.open(a.key, undefined, a.signature)).toMatchObject({ ok: false, reason: 'invalid_signature' });
    expect(await storage.open(a.key, '1e10', a.signature)).toMatchObject({ ok: false, reason: 'invalid_signature' });
  });

  it('refuses a link signed with another server key', async () => {
    const other = new LocalStorage(dir, Buffer.alloc(32, 8));
    const forged = parts(await other.url('documents/ID1/a.png', 60));
    expect(await storage.open(forged.key, forged.expires, forged.signature)).toEqual({ ok: false, reason: 'invalid_signature' });
  });

  it('refuses an expired link', async () => {
    const hourAgo = new LocalStorage(dir, KEY, '/uploads', () => Date.now() - 3_600_000);
    const old = parts(await hourAgo.url('documents/ID1/a.png', 60));
    expect(storage.verify(old.key, old.expires, old.signature)).toBe(false);
    expect(hourAgo.verify(old.key, old.expires, old.signature)).toBe(true);
  });

  it('answers not_found for a validly signed key that holds no file', async () => {
    const gone = parts(await storage.url('documents/ID9/none.png', 60));
    expect(await storage.open(gone.key, gone.expires, gone.signature)).toEqual({ ok: false, reason: 'not_found' });
  });

  it('refuses keys that would leave the directory or are not plain paths', async () => {
    for (const key of ['../x.png', 'a/../../x.png', '/etc/passwd', 'a//b', 'a/./b', '', 'a\\..\\b', 'a/b\0c', '.hidden/../x']) {
      expect(isSafeKey(key), key).toBe(false);
      await expect(storage.put(key, Buffer.from('x'), 'image/png')).rejects.toThrow(/unsafe storage key/);
      await expect(storage.url(key, 60)).rejects.toThrow(/unsafe storage key/);
      expect(await storage.open(key, String(Math.floor(Date.now() / 1000) + 60), 'x')).toMatchObject({ ok: false });
    }
    expect(await readdir(path.dirname(dir))).not.toContain('x.png');
  });

  it('never serves the content-type sidecar of a file', async () => {
    await expect(storage.url('documents/ID1/a.png.content-type', 60)).resolves.toBeTypeOf('string');
    const side = parts(await storage.url('documents/ID1/a.png.content-type', 60));
    expect(await storage.open(side.key, side.expires, side.signature)).toEqual({ ok: false, reason: 'invalid_signature' });
    await expect(storage.put('x.content-type', Buffer.from('x'), 'text/plain')).rejects.toThrow(/reserved suffix/);
  });

  it('deletes a file and its sidecar; deleting a missing key is fine', async () => {
    await storage.put('documents/ID3/c.pdf', Buffer.from('%PDF'), 'application/pdf');
    await storage.delete('documents/ID3/c.pdf');
    expect(await readdir(path.join(dir, 'documents/ID3'))).toEqual([]);
    await expect(storage.delete('documents/ID3/c.pdf')).resolves.toBeUndefined();
  });
});
