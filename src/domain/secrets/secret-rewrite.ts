/**
 * A rewrite of secrets at rest, table by table in id order, a batch at a time. After each batch the last id done is
 * saved under the run's name, so a run that stops (an error, a signal, `--max-batches`) resumes where it stopped;
 * rows are rewritten only where they still hold what was read, and a row that needs nothing is not written, so
 * running it again, or beside the live server, is safe.
 */
import { UniqueViolation } from '../../db/db-errors.js';
import type { ColumnValues } from '../../db/repositories/secret-columns-repository.js';
import type { UnitOfWork } from '../unit-of-work.js';

export interface RewriteTable {
  table: string;
  columns: readonly string[];
  /** The columns to change, or undefined when the row needs nothing; throws when a value cannot be read. */
  rewrite(values: ColumnValues): ColumnValues | undefined;
}

export interface RewriteOptions {
  batchSize: number;
  /** Stop after this many batches (the run resumes next time). */
  maxBatches?: number;
  /** Forget the run's checkpoints and start from the first row. */
  restart?: boolean;
  onProgress?(table: string, done: number, total: number): void;
}

/** Ids kept in a summary, per kind of problem: enough to look into, not a dump. */
const IDS_SHOWN = 20;

export interface TableSummary {
  table: string;
  /** Finished in an earlier run: nothing read now. */
  skipped: boolean;
  read: number;
  rewritten: number;
  /** Changed by someone else between read and write (and so written under the current key already). */
  changedMeanwhile: number;
  /** Rows whose value no configured key opens: the first ids, and how many. */
  unreadable: { count: number; ids: number[] };
  /** Rows whose new value a unique index refused (another row has it). */
  conflicts: { count: number; ids: number[] };
}

export interface RewriteSummary {
  run: string;
  /** Every table finished; false when `maxBatches` stopped the run. */
  complete: boolean;
  tables: TableSummary[];
}

const noted = (list: { count: number; ids: number[] }, id: number) => {
  list.count += 1;
  if (list.ids.length < IDS_SHOWN) list.ids.push(id);
};

export async function runRewrite(
  uow: UnitOfWork,
  run: string,
  tables: readonly RewriteTable[],
  o: RewriteOptions,
): Promise<RewriteSummary> {
  const { secretCheckpoints: checkpoints, secretColumns: columns } = uow.repos;
  if (o.restart) await checkpoints.clear(run);
  const saved = await checkpoints.find(run);
  const summaries: TableSummary[] = [];
  let batches = 0;
  for (const t of tables) {
    let { lastId, finished } = saved.get(t.table) ?? { lastId: 0, finished: false };
    const s: TableSummary = {
      table: t.table,
      skipped: finished,
      read: 0,
      rewritten: 0,
      changedMeanwhile: 0,
      unreadable: { count: 0, ids: [] },
      conflicts: { count: 0, ids: [] },
    };
    summaries.push(s);
    const total = finished ? 0 : await columns.countAfter(t.table, lastId);
    while (!finished) {
      if (o.maxBatches !== undefined && batches >= o.maxBatches) return { run, complete: false, tables: summaries };
      const rows = await columns.batch(t.table, t.columns, lastId, o.batchSize);
      for (const row of rows) {
        let changes: ColumnValues | undefined;
        try {
          changes = t.rewrite(row.values);
        } catch {
          noted(s.unreadable, row.id);
          continue;
        }
        if (!changes) continue;
        try {
          if (await columns.replace(t.table, row.id, row.values, changes)) s.rewritten += 1;
          else s.changedMeanwhile += 1;
        } catch (err) {
          if (!(err instanceof UniqueViolation)) throw err;
          noted(s.conflicts, row.id);
        }
      }
      s.read += rows.length;
      lastId = rows.at(-1)?.id ?? lastId;
      finished = rows.length < o.batchSize;
      batches += 1;
      await checkpoints.save(run, t.table, { lastId, finished });
      o.onProgress?.(t.table, s.read, Math.max(total, s.read));
    }
  }
  return { run, complete: true, tables: summaries };
}
