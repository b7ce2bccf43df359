/**
 * The table's sign-up → mail row: 50 sign-ups/s for 60 s, the time from each 201 answer to its mail in an SMTP
 * catcher (target p99 < 2 s, none lost). The measurement itself is the mail benchmark's (test/bench/mail-bench.ts,
 * `npm run bench:mail`, which arrives with the mail worker's branch): this row runs it as a child process with
 * its own server (the same `npm start` shape, one process with the worker) and reads its summary lines. Until that
 * file is on this branch the row says so instead of a number.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export const MAIL_BENCH = 'test/bench/mail-bench.ts';
export const MAIL_TARGET_P99_MS = 2000;

export interface MailResult {
  ran: boolean;
  /** Why it did not run, or how it failed. */
  note?: string;
  rate: number;
  seconds: number;
  signUpsPerSecond?: number;
  p50?: number;
  p99?: number;
  lost?: number;
  duplicates?: number;
  met?: boolean;
}

const number = (text: string, re: RegExp): number | undefined => {
  const m = text.match(re);
  return m ? Number(m[1]) : undefined;
};

export async function runMailPhase(rate: number, seconds: number): Promise<MailResult> {
  if (!existsSync(MAIL_BENCH))
    return { ran: false, rate, seconds, note: `not run: ${MAIL_BENCH} is not on this branch yet (branch i12-mail)` };
  const child = spawn(process.execPath, ['--import', 'tsx', MAIL_BENCH], {
    env: { ...process.env, BENCH_RATE: String(rate), BENCH_DURATION: String(seconds), BENCH_GRACE: '30' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    process.stdout.write(chunk);
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const sent = number(out, /sign-ups: (\d+) sent in ([\d.]+) s/);
  const drivenS = number(out, /sign-ups: \d+ sent in ([\d.]+) s/);
  const p50 = number(out, /mail after the answer: p50 (-?\d+) ms/);
  const p99 = number(out, /mail after the answer: p50 -?\d+ ms, p99 (-?\d+) ms/);
  const lost = number(out, /lost: (\d+)/);
  const duplicates = number(out, /duplicates: (\d+)/);
  if (p99 === undefined || lost === undefined)
    return { ran: false, rate, seconds, note: `the mail benchmark exited ${code} without its summary` };
  return {
    ran: true,
    rate,
    seconds,
    signUpsPerSecond: sent !== undefined && drivenS ? sent / drivenS : undefined,
    p50,
    p99,
    lost,
    duplicates,
    met: p99 < MAIL_TARGET_P99_MS && lost === 0 && duplicates === 0 && code === 0,
    note: code === 0 ? undefined : `the mail benchmark exited ${code}`,
  };
}
