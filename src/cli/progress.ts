/**
 * Progress of a long command on stderr: a bar (cli-progress) on a terminal; elsewhere (a pipe, a log file, CI)
 * plain lines, at each new section and at most every few seconds, so a log stays readable.
 */
import { Presets, SingleBar } from 'cli-progress';
import type { CliStream } from './runtime.js';

export interface Progress {
  update(done: number, total: number, section: string): void;
  stop(): void;
}

const LINE_EVERY_MS = 2000;

export function progressOn(stream: CliStream, title: string, now: () => number = Date.now): Progress {
  if (stream.isTTY) return barProgress(stream, title);
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

function barProgress(stream: CliStream, title: string): Progress {
  const bar = new SingleBar(
    { format: `${title} [{bar}] {value}/{total} {section}`, stream: stream as NodeJS.WritableStream, hideCursor: true },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, section) {
      if (!started) bar.start(total, 0, { section });
      else if (total !== bar.getTotal()) bar.setTotal(total); // each section (a table) has its own total
      started = true;
      bar.update(done, { section });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
