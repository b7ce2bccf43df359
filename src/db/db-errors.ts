/**
 * What a repository write can fail with that its callers act on, in their terms rather than the driver's codes
 * (mysql-errors.ts translates, repositories/index.ts applies it to every repository method). Anything else a
 * query throws passes unchanged.
 */

/** A write would repeat a value that a unique index keeps unique (a race that a check before the write lost). */
export class UniqueViolation extends Error {
  override readonly name = 'UniqueViolation';
  /** The index's columns, read from its name: every migration names one `index_<table>_on_<column>_and_<column>`. */
  readonly columns: readonly string[];

  constructor(
    /** The unique index, e.g. `index_users_on_email_key`. */
    readonly index: string,
    options?: ErrorOptions,
  ) {
    // Never the server's message: it quotes the duplicate value.
    super(`duplicate entry for the unique index ${index}`, options);
    const on = index.indexOf('_on_');
    this.columns = on < 0 ? [index] : index.slice(on + '_on_'.length).split('_and_');
  }
}
