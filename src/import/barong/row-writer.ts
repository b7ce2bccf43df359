/**
 * Turns mapped rows into the rows to write: secret columns encrypted with our key — or, when the stored ciphertext
 * already opens to the same plaintext, left as stored, so that a second import finds nothing to change — and rows
 * equal to what is stored dropped.
 */
import type { ImportRow } from '../../db/repositories/barong-import-repository.js';
import type { Encryptor } from '../../lib/encryptor.js';
import type { TableSpec } from './table-spec.js';

const same = (a: unknown, b: unknown) =>
  a === null || a === undefined ? b === null || b === undefined : String(a) === String(b);

export function openOrNull(encryptor: Encryptor, token: unknown): string | null {
  if (typeof token !== 'string' || !token) return null;
  try {
    return encryptor.decrypt(token);
  } catch {
    return null;
  }
}

export function rowsToWrite(
  spec: TableSpec,
  mapped: readonly ImportRow[],
  stored: ReadonlyMap<number, ImportRow>,
  encryptor: Encryptor,
): { changed: ImportRow[]; unchanged: number } {
  const changed: ImportRow[] = [];
  let unchanged = 0;
  for (const row of mapped) {
    const old = stored.get(Number(row.id));
    const out: ImportRow = { ...row };
    for (const column of spec.secretColumns ?? []) {
      const wanted = row[column];
      if (wanted === null || wanted === undefined) out[column] = null;
      else if (old && openOrNull(encryptor, old[column]) === String(wanted)) out[column] = old[column] ?? null;
      else out[column] = encryptor.encrypt(String(wanted));
    }
    if (old && spec.columns.every((c) => same(old[c], out[c]))) unchanged++;
    else changed.push(out);
  }
  return { changed, unchanged };
}
