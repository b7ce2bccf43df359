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

/**
 * Runs a single statement again when InnoDB picks it as a deadlock victim: the statement was rolled back as a
 * whole, so running it again is safe. For statements outside a transaction only (a transaction retries whole).
 */
export async function retryOnDeadlock<T>(statement: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await statement();
    } catch (err) {
      if (!isDeadlock(err) || attempt >= attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}
