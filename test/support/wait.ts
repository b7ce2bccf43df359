/**
 * Waiting for something another process, a queue or a timer brings about: the probe is asked again every
 * `intervalMs` until it answers, and the wait fails after `timeoutMs` naming what it waited for and what it saw last.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  /** 15 s unless given. */
  timeoutMs?: number;
  /** 25 ms unless given. */
  intervalMs?: number;
  /** What is awaited, for the message on time-out. */
  what?: string;
  /** A probe that throws has not answered yet (a process still starting refuses connections). */
  retryErrors?: boolean;
}

/** Neither undefined, null nor false: an answer. */
export type Answer<T> = Exclude<T, undefined | null | false>;

const isAnswer = <T>(value: T): value is Answer<T> => value !== undefined && value !== null && value !== false;

/** The first value of `probe` that is an answer, or the first that `accept` takes. */
export function until<T>(probe: () => T | Promise<T>, options?: WaitOptions): Promise<Answer<T>>;
export function until<T>(probe: () => T | Promise<T>, accept: (value: T) => boolean, options?: WaitOptions): Promise<T>;
export async function until<T>(
  probe: () => T | Promise<T>,
  acceptOrOptions?: ((value: T) => boolean) | WaitOptions,
  maybeOptions: WaitOptions = {},
): Promise<T> {
  const accept = typeof acceptOrOptions === 'function' ? acceptOrOptions : isAnswer;
  const options = (typeof acceptOrOptions === 'function' ? maybeOptions : acceptOrOptions) ?? {};
  const { timeoutMs = 15_000, intervalMs = 25, what = 'a condition', retryErrors = false } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last: T | Error;
    try {
      last = await probe();
      if (accept(last)) return last;
    } catch (err) {
      if (!retryErrors) throw err;
      last = err as Error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${shown(last)}`);
    await sleep(intervalMs);
  }
}

function shown(value: unknown): string {
  if (value instanceof Error) return value.message;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
