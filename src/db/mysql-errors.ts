/** MySQL/MariaDB errors translated in one place (Directus-style). */
interface MysqlError {
  code?: string;
  errno?: number;
  sqlMessage?: string;
}

/** ER_DUP_ENTRY on a unique index whose name mentions the column. */
export function isDuplicateEntry(err: unknown, column?: string): boolean {
  const e = err as MysqlError;
  if (e?.code !== 'ER_DUP_ENTRY') return false;
  return column === undefined || (e.sqlMessage ?? '').includes(column);
}

export function isDeadlock(err: unknown): boolean {
  const code = (err as MysqlError)?.code;
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT';
}
