/** MySQL/MariaDB errors translated in one place (Directus-style). */
import { UniqueViolation } from './db-errors.js';

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

/** The index in `Duplicate entry '…' for key '<index>'` (MySQL 8 writes `<table>.<index>`); read from the end, past the value. */
const DUPLICATE_INDEX = / for key '(?:[^'.]*\.)?([^']*)'$/;

/** The driver's errors that callers act on, as domain errors (db-errors.ts); any other error as it is. */
export function translateMysqlError(err: unknown): unknown {
  if (!isDuplicateEntry(err)) return err;
  const index = DUPLICATE_INDEX.exec((err as MysqlError).sqlMessage ?? '')?.[1] ?? 'unknown';
  return new UniqueViolation(index, { cause: err });
}

/**
 * The same repository, every method of which throws translated errors (translateMysqlError). Methods that return
 * something other than a promise are left alone: a query builder must stay composable.
 */
export function translatingErrors<T extends object>(repository: T): T {
  return new Proxy(repository, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args);
        return result instanceof Promise
          ? result.catch((err: unknown) => {
              throw translateMysqlError(err);
            })
          : result;
      };
    },
  });
}

/** A bag of repositories (repositories/index.ts), each translating its errors. */
export function eachTranslatingErrors<T extends Record<string, object>>(repositories: T): T {
  return Object.fromEntries(
    Object.entries(repositories).map(([name, repository]) => [name, translatingErrors(repository)]),
  ) as T;
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

/**
 * Makes a failed query's error safe to log, print or store (Bull keeps a failed job's message in Redis): its
 * message becomes the statement's shape and the server's error code. The copies that hold bound values go out of
 * sight: mysql2's `sql` (values interpolated) is dropped; the server's own message, which quotes values
 * (`Duplicate entry '<e-mail>'`, parse errors), stays readable for isDuplicateEntry but not enumerable, so no
 * serializer (pino, JSON) writes it.
 */
export function hideBoundValues(err: unknown, statement: string): void {
  if (!(err instanceof Error)) return;
  const e = err as Error & MysqlError & { sql?: string };
  delete e.sql;
  if (e.sqlMessage !== undefined) Object.defineProperty(e, 'sqlMessage', { value: e.sqlMessage, enumerable: false });
  e.message = `${statement} - ${e.code ?? 'query failed'}${e.errno ? ` (${e.errno})` : ''}`;
  // The stack's first line repeats the message if something formatted it already.
  const frames = e.stack?.indexOf('\n    at ') ?? -1;
  e.stack = `${e.name}: ${e.message}${frames >= 0 ? e.stack!.slice(frames) : ''}`;
}

/**
 * Codes of a database that cannot be reached or went away: the connection was refused, reset or lost, the server is
 * shutting down or out of connections, or no pooled connection came within the pool's acquire timeout. Nothing the
 * request did is wrong; asking again later can succeed.
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'ER_CONNECTION_KILLED',
]);

/** mysql2's refusal to use a connection that has already failed; it carries no code. */
const CLOSED_CONNECTION = /connection is in closed state/i;

/** True when `err` (or an error it was caused by) says the database is out of reach rather than the query wrong. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const { code } = e as MysqlError;
    if (code && UNAVAILABLE_CODES.has(code)) return true;
    if (e.name === 'KnexTimeoutError' || CLOSED_CONNECTION.test(e.message)) return true;
  }
  return false;
}
