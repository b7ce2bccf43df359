/**
 * A row as mysql2 returns it: column names to values, untyped until a repository maps it to its record type
 * (the only place rows are read). One type, so the exception to "no any" is made in one place.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows are typed by the mapper that reads them
export type Row = Record<string, any>;
