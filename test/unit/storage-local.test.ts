import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStorage } from '../../src/lib/storage/local-storage.js';
import { isSafeKey } from '../../src/lib/storage/file-storage.js';

const KEY = Buffer.alloc(32, 7);
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
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
  return {
    key: u.pathname.replace(/^\/uploads\//, ''),
    expires: u.searchParams.get('expires')!,
    signature: u.searchParams.get('signature')!,
  };
}

describe('LocalStorage', () => {
  it('stores a file under its key inside the directory and opens it through its signed link, with its content type', async () => {
    await storage.put('documents/ID1/a.png', PNG);
    expect((await readFile(path.join(dir, 'documents/ID1/a.png'))).equals(PNG)).toBe(true);
    expect((await stat(path.join(dir, 'documents/ID1/a.png'))).mode & 0o077).toBe(0);
    const url = await storage.url('documents/ID1/a.png', 60);
    expect(url).toMatch(/^\/uploads\/documents\/ID1\/a\.png\?expires=\d+&signature=[\w-]{43}$/);
    const { key, expires, signature } = parts(url);
    const opened = await storage.open(key, expires, signature);
    expect(opened).toEqual({ ok: true, file: { bytes: PNG, contentType: 'image/png' } });
    expect(await readdir(path.join(dir, 'documents/ID1'))).toEqual(['a.png']);
  });

  it('opens a file as the type its bytes show, limited to images and PDF: HTML and SVG never as such', async () => {
    const HTML = Buffer.from('<!doctype html><html><script>alert(1)</script></html>');
    const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    await mkdir(path.join(dir, 'documents/ID4'), { recursive: true });
    for (const [name, bytes, type] of [
      ['real.pdf', PNG, 'image/png'],
      ['page.html', HTML, 'application/octet-stream'],
      ['photo.png', HTML, 'application/octet-stream'],
      ['logo.svg', SVG, 'application/octet-stream'],
    ] as const) {
      // Written behind the storage's back: whatever is on disk, the bytes decide.
      await writeFile(path.join(dir, 'documents/ID4', name), bytes);
      const { key, expires, signature } = parts(await storage.url(`documents/ID4/${name}`, 60));
      expect(await storage.open(key, expires, signature), name).toEqual({
        ok: true,
        file: { bytes, contentType: type },
      });
    }
  });

  it('signs for the given lifetime', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { expires } = parts(await storage.url('documents/ID1/a.png', 90));
    expect(Number(expires) - before).toBeGreaterThanOrEqual(90);
    expect(Number(expires) - before).toBeLessThanOrEqual(91);
  });

  it('refuses a signature made for another key, a changed expiry, a forged or missing signature', async () => {
    await storage.put('documents/ID2/b.png', Buffer.from('other'));
    const a = parts(await storage.url('documents/ID1/a.png', 60));
    expect(await storage.open('documents/ID2/b.png', a.expires, a.signature)).toEqual({
      ok: false,
      reason: 'invalid_signature',
    });
    expect(await storage.open(a.key, String(Number(a.expires) + 3600), a.signature)).toEqual({
      ok: false,
      reason: 'invalid_signature',
    });
    expect(
      await storage.open(
        a.key,
        a.expires,
        a.signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
      ),
    ).toMatchObject({ ok: false });
    expect(await storage.open(a.key, a.expires, undefined)).toMatchObject({ ok: false, reason: 'invalid_signature' });
    expect(await storage.open(a.key, undefined, a.signature)).toMatchObject({ ok: false, reason: 'invalid_signature' });
    expect(await storage.open(a.key, '1e10', a.signature)).toMatchObject({ ok: false, reason: 'invalid_signature' });
  });

  it('refuses a link signed with another server key', async () => {
    const other = new LocalStorage(dir, Buffer.alloc(32, 8));
    const forged = parts(await other.url('documents/ID1/a.png', 60));
    expect(await storage.open(forged.key, forged.expires, forged.signature)).toEqual({
      ok: false,
      reason: 'invalid_signature',
    });
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
    for (const key of [
      '../x.png',
      'a/../../x.png',
      '/etc/passwd',
      'a//b',
      'a/./b',
      '',
      'a\\..\\b',
      'a/b\0c',
      '.hidden/../x',
    ]) {
      expect(isSafeKey(key), key).toBe(false);
      await expect(storage.put(key, Buffer.from('x'))).rejects.toThrow(/unsafe storage key/);
      await expect(storage.url(key, 60)).rejects.toThrow(/unsafe storage key/);
      expect(await storage.open(key, String(Math.floor(Date.now() / 1000) + 60), 'x')).toMatchObject({ ok: false });
    }
    expect(await readdir(path.dirname(dir))).not.toContain('x.png');
  });

  it('deletes a file; deleting a missing key is fine', async () => {
    await storage.put('documents/ID3/c.pdf', Buffer.from('%PDF'));
    await storage.delete('documents/ID3/c.pdf');
    expect(await readdir(path.join(dir, 'documents/ID3'))).toEqual([]);
    await expect(storage.delete('documents/ID3/c.pdf')).resolves.toBeUndefined();
  });
});
