/**
 * pino writes asynchronously and its flush() does not wait for a write in flight, so an immediate process.exit()
 * can drop or reorder the last lines. Call once everything is closed: the process ends by itself, and is forced
 * only if some handle still holds it open.
 */
export function exitWhenIdle(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 500).unref();
}
