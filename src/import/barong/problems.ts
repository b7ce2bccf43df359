/**
 * What the import could not carry over as it was: a value that will not decrypt (the row is imported with that
 * column empty, never with garbage), a row our schema refuses, a file that did not copy. Reported by table, id and
 * column; values themselves are never reported (they are personal data or secrets).
 */
export interface Problem {
  table: string;
  id: number;
  column?: string;
  reason: string;
  /** A note (e.g. a Barong CRC32 index that disagrees) does not make the import fail. */
  note?: boolean;
}

export class ProblemLog {
  readonly all: Problem[] = [];
  private readonly seen = new Set<string>();

  add(problem: Problem): void {
    // The checksum pass maps the rows a second time: each problem is reported once.
    const key = `${problem.table}|${problem.id}|${problem.column ?? ''}|${problem.reason}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.all.push(problem);
  }

  get failures(): Problem[] {
    return this.all.filter((p) => !p.note);
  }
}
