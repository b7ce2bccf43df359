/**
 * `import barong`: every table of a Barong 2.6 database into ours, a batch at a time in id order.
 *
 * Resumable: after each batch the last id done is saved per table (secret_rewrite_checkpoints, run `import-barong`),
 * and an interrupted run goes on from there. Once every table is through, the checkpoints are cleared, so the next
 * run reads everything again — and, as rows equal to what is stored are not written (row-writer.ts), changes only
 * what changed in Barong meanwhile: an operator can import days before the cut-over and once more during it.
 * A dry run reads, decrypts and checks everything (Vault and the files included) and writes nothing.
 */
import type { BarongSource } from '../../db/barong-source.js';
import type { BarongImportRepository, ImportRow, RefusedRow } from '../../db/repositories/barong-import-repository.js';
import type { SecretRewriteCheckpointsRepository } from '../../db/repositories/secret-rewrite-checkpoints-repository.js';
import { sourceTally, targetTally, type Tally } from './checksums.js';
import type { Problem } from './problems.js';
import { rowsToWrite } from './row-writer.js';
import type { ImportContext, TableSpec } from './table-spec.js';
import { IMPORTED_TABLES } from './tables/index.js';

export const IMPORT_RUN = 'import-barong';

/** The import will not run against this target (it says why). */
export class ImportRefused extends Error {}

export interface ImportOptions {
  batchSize: number;
  /** Stop after this many batches (all tables together); the next run resumes there. */
  maxBatches?: number;
  /** Forget an interrupted run's checkpoints and start from the first row. */
  restart?: boolean;
  onProgress?(section: string, done: number, total: number): void;
}

export interface TableResult {
  table: string;
  target: string;
  /** Rows in Barong's table. */
  sourceRows: number;
  /** Rows written (or, in a dry run, that would be). */
  written: number;
  /** Rows already as Barong has them. */
  unchanged: number;
  /** Rows the import could not carry (reasons among the problems). */
  notImported: number;
  refused: RefusedRow[];
  /** Done by an earlier, interrupted run. */
  doneEarlier: boolean;
  sourceTally?: Tally;
  targetTally?: Tally;
}

export interface ImportSummary {
  dryRun: boolean;
  complete: boolean;
  tables: TableResult[];
  problems: Problem[];
}

export interface BarongImportDeps {
  source: BarongSource;
  target: BarongImportRepository;
  checkpoints: SecretRewriteCheckpointsRepository;
  ctx: ImportContext;
}

export class BarongImport {
  constructor(
    private readonly d: BarongImportDeps,
    private readonly tables: readonly TableSpec[] = IMPORTED_TABLES,
  ) {}

  async run(options: ImportOptions): Promise<ImportSummary> {
    const { checkpoints, ctx } = this.d;
    await this.assertTargetIsBarongs(options.batchSize);
    if (options.restart && !ctx.dryRun) await checkpoints.clear(IMPORT_RUN);
    const saved = ctx.dryRun ? new Map() : await checkpoints.find(IMPORT_RUN);
    const results: TableResult[] = [];
    let batches = 0;
    for (const spec of this.tables) {
      const result: TableResult = {
        table: spec.source,
        target: spec.target,
        sourceRows: await this.d.source.count(spec.source),
        written: 0,
        unchanged: 0,
        notImported: 0,
        refused: [],
        doneEarlier: saved.get(spec.source)?.finished ?? false,
      };
      results.push(result);
      if (result.doneEarlier) continue;
      let lastId = saved.get(spec.source)?.lastId ?? 0;
      let done = 0;
      for (;;) {
        if (options.maxBatches !== undefined && batches >= options.maxBatches)
          return { dryRun: ctx.dryRun, complete: false, tables: results, problems: ctx.problems.all };
        const rows = await this.d.source.batch(spec.source, lastId, options.batchSize);
        if (!rows.length) break;
        await this.importBatch(spec, rows, result);
        lastId = Number(rows.at(-1)!.id);
        done += rows.length;
        batches++;
        if (!ctx.dryRun) await checkpoints.save(IMPORT_RUN, spec.source, { lastId, finished: false });
        options.onProgress?.(spec.source, done, result.sourceRows);
      }
      if (!ctx.dryRun) await checkpoints.save(IMPORT_RUN, spec.source, { lastId, finished: true });
    }
    for (const result of results) {
      const spec = this.tables.find((t) => t.source === result.table)!;
      options.onProgress?.(`${spec.source} (checksums)`, 0, 1);
      result.sourceTally = await sourceTally(this.d.source, spec, ctx, options.batchSize);
      result.targetTally = await targetTally(this.d.target, spec, ctx.encryptor, options.batchSize);
      options.onProgress?.(`${spec.source} (checksums)`, 1, 1);
    }
    if (!ctx.dryRun) await checkpoints.clear(IMPORT_RUN);
    return { dryRun: ctx.dryRun, complete: true, tables: results, problems: ctx.problems.all };
  }

  /**
   * Our users must all be Barong's (the same id and uid) or none: a user made here — a superadmin created before
   * the import, a sign-up after the cut-over — would be overwritten by the Barong user of that id.
   */
  private async assertTargetIsBarongs(batchSize: number): Promise<void> {
    const none = new Set<string>();
    for (let lastId = 0; ;) {
      const ours = await this.d.target.after('users', ['id', 'uid'], lastId, batchSize, none);
      if (!ours.length) return;
      const theirs = await this.d.source.userUids(ours.map((u) => Number(u.id)));
      const foreign = ours.filter((u) => theirs.get(Number(u.id)) !== u.uid);
      if (foreign.length)
        throw new ImportRefused(
          `this database holds users that are not Barong's (ids ${foreign
            .slice(0, 10)
            .map((u) => u.id)
            .join(
              ', ',
            )}${foreign.length > 10 ? ' …' : ''}): import into a database that holds only earlier imports of this Barong`,
        );
      lastId = Number(ours.at(-1)!.id);
    }
  }

  private async importBatch(spec: TableSpec, rows: Awaited<ReturnType<BarongSource['batch']>>, result: TableResult) {
    const { ctx, target } = this.d;
    const mapped = (await spec.map(rows, ctx, 'import')).filter((r): r is ImportRow => r !== undefined);
    result.notImported += rows.length - mapped.length;
    const dates = new Set(spec.dateColumns ?? []);
    const stored = await target.findByIds(
      spec.target,
      spec.columns,
      mapped.map((r) => Number(r.id)),
      dates,
    );
    const { changed, unchanged } = rowsToWrite(spec, mapped, stored, ctx.encryptor);
    result.unchanged += unchanged;
    if (ctx.dryRun) {
      result.written += changed.length;
      return;
    }
    const refused = await target.upsert(spec.target, spec.columns, changed);
    result.refused.push(...refused);
    result.written += changed.length - refused.length;
    for (const r of refused)
      ctx.problems.add({ table: spec.source, id: r.id, reason: `row refused by our schema: ${r.reason}` });
  }
}

/** A table whose two sides agree: the same number of rows and the same checksum. */
export const tableMatches = (t: TableResult) =>
  !!t.sourceTally &&
  !!t.targetTally &&
  t.sourceTally.rows === t.targetTally.rows &&
  t.sourceTally.sha256 === t.targetTally.sha256;
