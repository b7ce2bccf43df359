/**
 * The closing report's comparison: per table, the rows Barong holds that the import can carry (mapped as for the
 * import, without Vault or files) against the rows we hold, as a count and a SHA-256 over each row's key columns in
 * id order — secret columns as their plaintext, so a value that did not survive encryption shows.
 */
import { createHash } from 'node:crypto';
import type { BarongSource } from '../../db/barong-source.js';
import type { BarongImportRepository, ImportRow } from '../../db/repositories/barong-import-repository.js';
import type { Encryptor } from '../../lib/encryptor.js';
import { openOrNull } from './row-writer.js';
import type { ImportContext, TableSpec } from './table-spec.js';

export interface Tally {
  rows: number;
  sha256: string;
}

function line(spec: TableSpec, row: ImportRow, open: (column: string, v: unknown) => unknown): string {
  return spec.checksum.map((c) => JSON.stringify(open(c, row[c]) ?? null)).join('|');
}

const text = (v: unknown) => (v === null || v === undefined ? null : String(v));

export async function sourceTally(
  source: BarongSource,
  spec: TableSpec,
  ctx: ImportContext,
  batchSize: number,
): Promise<Tally> {
  const hash = createHash('sha256');
  let rows = 0;
  for (let lastId = 0; ;) {
    const batch = await source.batch(spec.source, lastId, batchSize);
    if (!batch.length) break;
    for (const row of await spec.map(batch, ctx, 'checksum')) {
      if (!row) continue;
      hash.update(`${line(spec, row, (_c, v) => text(v))}\n`);
      rows++;
    }
    lastId = Number(batch.at(-1)!.id);
  }
  return { rows, sha256: hash.digest('hex') };
}

export async function targetTally(
  target: BarongImportRepository,
  spec: TableSpec,
  encryptor: Encryptor,
  batchSize: number,
): Promise<Tally> {
  const hash = createHash('sha256');
  const secret = new Set(spec.secretColumns ?? []);
  const columns = [...new Set(['id', ...spec.checksum])];
  let rows = 0;
  for (let lastId = 0; ;) {
    const batch = await target.after(spec.target, columns, lastId, batchSize, new Set(spec.dateColumns ?? []));
    if (!batch.length) break;
    for (const row of batch) {
      hash.update(`${line(spec, row, (c, v) => (secret.has(c) ? openOrNull(encryptor, v) : text(v)))}\n`);
      rows++;
    }
    lastId = Number(batch.at(-1)!.id);
  }
  return { rows, sha256: hash.digest('hex') };
}
