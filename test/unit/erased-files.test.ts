/**
 * The worker's deletion of an erased user's files (the outbox command `internal.user.files.erased`): every key is
 * tried; a key the storage refuses fails the command, so the relay keeps the row and retries it, and a key that is
 * gone already counts as deleted.
 */
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStorage } from '../../src/lib/storage/local-storage.js';
import type { FileStorage } from '../../src/lib/storage/file-storage.js';
import { erasedFilesHandler } from '../../src/domain/admin/erased-files.js';
import type { Work } from '../../src/domain/unit-of-work.js';

let dir: string;
let storage: LocalStorage;
const noWork = {} as Work; // the command touches no table

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'barong-erased-files-'));
  storage = new LocalStorage(dir, Buffer.alloc(32, 1));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const present = (key: string) =>
  access(path.join(dir, key)).then(
    () => true,
    () => false,
  );

describe('erased files', () => {
  it('deletes every file, and succeeds again when they are gone', async () => {
    await storage.put('documents/ID1/a.png', Buffer.from('a'));
    await storage.put('documents/ID1/b.pdf', Buffer.from('b'));
    const run = erasedFilesHandler(storage);
    await run(noWork, { keys: ['documents/ID1/a.png', 'documents/ID1/b.pdf'] });
    expect(await present('documents/ID1/a.png')).toBe(false);
    expect(await present('documents/ID1/b.pdf')).toBe(false);
    await run(noWork, { keys: ['documents/ID1/a.png', 'documents/ID1/b.pdf'] });
  });

  it('fails (the row is retried) when the storage refuses one, after deleting the others', async () => {
    await storage.put('documents/ID2/c.png', Buffer.from('c'));
    const refusing: FileStorage = {
      put: (key, bytes) => storage.put(key, bytes),
      url: (key, ttl) => storage.url(key, ttl),
      delete: (key) => (key.endsWith('d.png') ? Promise.reject(new Error('storage down')) : storage.delete(key)),
    };
    await expect(
      erasedFilesHandler(refusing)(noWork, { keys: ['documents/ID2/c.png', 'documents/ID2/d.png'] }),
    ).rejects.toThrow('1 of 2 erased files could not be deleted');
    expect(await present('documents/ID2/c.png')).toBe(false);
  });
});
