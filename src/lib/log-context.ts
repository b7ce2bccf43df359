/**
 * What every log line written while a request is served carries: its id, its operation and its user. Services log
 * through the shared logger, not a per-request one, so the request is found through the async context instead of
 * being passed down every call.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface LogContext {
  reqId: string;
  operationId?: string;
  /** Read when a line is written: the user is known only once a guard has found them. */
  uid?: () => string | undefined;
}

const storage = new AsyncLocalStorage<LogContext>();

export function runWithLogContext<T>(context: LogContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The context of the request being served, if any. */
export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}

/** The fields a log line gets from the request being served (pino's `mixin`). */
export function logContextFields(): Record<string, string> {
  const context = storage.getStore();
  if (!context) return {};
  const fields: Record<string, string> = { reqId: context.reqId };
  if (context.operationId) fields.operationId = context.operationId;
  const uid = context.uid?.();
  if (uid) fields.uid = uid;
  return fields;
}
