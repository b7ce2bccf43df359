/**
 * Progress of a long command on stderr: plain lines, at each new section and at most every few seconds, so a log
 * stays readable.
 */
import type { CliStream } from './runtime.js';

export interface Progress {
  update(done: number, total: number, section: string): void;
  stop(): void;
}

const LINE_EVERY_MS = 2000;

export function progressOn(stream: CliStream, title: string, now: () => number = Date.now): Progress {
  let lastAt = -Infinity;
  let lastSection = '';
  return {
    update(done, total, section) {
      if (section === lastSection && done < total && now() - lastAt < LINE_EVERY_MS) return;
      stream.write(`${title}: ${done}/${total} (${section})\n`);
      lastAt = now();
      lastSection = section;
    },
    stop() {},
  };
}
