/**
 * Our side of `import barong`: rows written by id (Barong's ids and uids are kept, so Peatio's records keep pointing
 * at the right accounts), read back by id to compare, and read in id order for the closing checksums. Values come
 * back as the import compares them: dates and times as UTC strings, booleans and numbers as numbers.
 */
import type { Knex } from 'knex';
import type { Row } from '../row.js';

export type ImportRow = Record<string, string | number | null>;

/** A row the database refused (a duplicate, a missing user, a value too long): reported, the rest goes on. */
export interface RefusedRow {
  id: number;
  reason: string;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `YYYY-MM-DD HH:MM:SS[.mmm]` in UTC, the shape Barong's rows are read in. */
export function utcDateTime(d: Date): string {
  const base = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return d.getUTCMilliseconds() ? `${base}.${pad(d.getUTCMilliseconds(), 3)}` : base;
}

export class BarongImportRepository {
  constructor(private readonly db: Knex) {}

  private normalise(row: Row, columns: readonly string[], dateColumns: ReadonlySet<string>): ImportRow {
    const out: ImportRow = {};
    for (const column of columns) {
      const v = row[column];
      if (v instanceof Date) out[column] = dateColumns.has(column) ? utcDateTime(v).slice(0, 10) : utcDateTime(v);
      else if (typeof v === 'boolean') out[column] = v ? 1 : 0;
      else if (typeof v === 'bigint') out[column] = Number(v);
      else out[column] = v === undefined ? null : v;
    }
    return out;
  }

  async findByIds(
    table: string,
    columns: readonly string[],
    ids: readonly number[],
    dateColumns: ReadonlySet<string>,
  ): Promise<Map<number, ImportRow>> {
    if (!ids.length) return new Map();
    const rows: Row[] = await this.db(table).whereIn('id', ids).select(columns);
    return new Map(rows.map((r) => [Number(r.id), this.normalise(r, columns, dateColumns)]));
  }

  /** Rows with ids above `afterId` in id order: the closing report's checksum pass. */
  async after(
    table: string,
    columns: readonly string[],
    afterId: number,
    limit: number,
    dateColumns: ReadonlySet<string>,
  ): Promise<ImportRow[]> {
    const rows: Row[] = await this.db(table).where('id', '>', afterId).orderBy('id').limit(limit).select(columns);
    return rows.map((r) => this.normalise(r, columns, dateColumns));
  }

  async count(table: string): Promise<number> {
    const [row]: Row[] = await this.db(table).count({ n: '*' });
    return Number(row?.n ?? 0);
  }

  /**
   * Inserts or replaces the rows by id, touching only `columns` (others, like a re-enrolled OTP seed, keep their
   * value). All in one statement; when the database refuses it, row by row, so one bad row costs only itself.
   */
  async upsert(table: string, columns: readonly string[], rows: readonly ImportRow[]): Promise<RefusedRow[]> {
    if (!rows.length) return [];
    const write = (batch: readonly ImportRow[]) =>
      this.db(table)
        .insert(batch as ImportRow[])
        .onConflict('id')
        .merge(columns.filter((c) => c !== 'id'));
    try {
      await write(rows);
      return [];
    } catch {
      const refused: RefusedRow[] = [];
      for (const row of rows) {
        try {
          await write([row]);
        } catch (err) {
          refused.push({ id: Number(row.id), reason: refusalReason(err) });
        }
      }
      return refused;
    }
  }
}

/** The driver's code and the column or key it names; never the values (they may be personal data). */
function refusalReason(err: unknown): string {
  const e = err as { code?: string; sqlMessage?: string };
  const named = /(?:key|column|constraint) '?`?([\w.]+)/i.exec(e.sqlMessage ?? '')?.[1];
  return [e.code ?? 'refused', named].filter(Boolean).join(' ');
}
