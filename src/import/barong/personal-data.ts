/** A Barong-encrypted column, decrypted for the import: the plaintext, or null and a problem when it will not open. */
import { crc32 } from 'node:zlib';
import type { Row } from '../../db/row.js';
import type { ImportContext } from './table-spec.js';

export async function decryptColumn(
  ctx: ImportContext,
  table: string,
  row: Row,
  column: string,
  expect: 'string' | 'date' | 'any' = 'string',
): Promise<string | null> {
  const stored: unknown = row[`${column}_encrypted`];
  if (stored === null || stored === undefined || stored === '') return null;
  try {
    const value = await ctx.barong.decrypt(String(stored));
    if (expect !== 'any' && value.kind !== expect) throw new Error(`holds a ${value.kind}, not a ${expect}`);
    return value.value;
  } catch (err) {
    ctx.problems.add({ table, id: Number(row.id), column: `${column}_encrypted`, reason: (err as Error).message });
    return null;
  }
}

/** Barong's SaltedCrc32 index (CRC32 of the value followed by BARONG_CRC32_SALT), checked when the salt is given. */
export function checkCrcIndex(ctx: ImportContext, table: string, row: Row, column: string, value: string | null) {
  if (ctx.crc32Salt === undefined || value === null || typeof crc32 !== 'function') return;
  const stored = row[`${column}_index`];
  if (stored === null || stored === undefined) return;
  if (crc32(`${value}${ctx.crc32Salt}`) !== Number(stored))
    ctx.problems.add({
      table,
      id: Number(row.id),
      column: `${column}_index`,
      reason: "Barong's CRC32 index disagrees with the decrypted value (our own index is rebuilt from the value)",
      note: true,
    });
}
