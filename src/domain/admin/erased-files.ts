/**
 * The files of an erased user's documents: deleted from the storage once the erasure has committed. The erasure
 * writes this command to the outbox in its own transaction, so the deletion survives a crash and is retried by
 * the worker's relay (with its backoff, `last_error` on the row) until the storage has done it; deleting a key that
 * is gone already succeeds, so running twice is harmless.
 */
import type { FileStorage } from '../../lib/storage/file-storage.js';
import type { Work } from '../unit-of-work.js';

/** Internal (never published): payload `{ keys: string[] }`, storage keys. */
export const ERASED_FILES = 'internal.user.files.erased';

export interface ErasedFiles {
  keys: string[];
}

/** Deletes every key; the first failure fails the command (the row stays and is retried) after trying them all. */
export async function deleteStoredFiles(storage: FileStorage, keys: readonly string[]): Promise<string[]> {
  const results = await Promise.allSettled(keys.map((key) => storage.delete(key)));
  return keys.filter((_, i) => results[i]?.status === 'rejected');
}

export function erasedFilesHandler(storage: FileStorage) {
  return async (_w: Work, payload: ErasedFiles): Promise<void> => {
    const left = await deleteStoredFiles(storage, payload.keys ?? []);
    if (left.length) throw new Error(`${left.length} of ${payload.keys.length} erased files could not be deleted`);
  };
}
