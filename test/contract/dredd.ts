/** Running Dredd and reading its verdict: shared by the local run (run.ts) and the `--server URL` run (qa/). */
import { spawn } from 'node:child_process';

/** Dredd's arguments for the three contracts against `base`, with every hooks file. */
export function dreddArgs(base: string): string[] {
  return [
    'openapi/barong.yaml',
    base,
    '--path=openapi/admin.yaml',
    '--path=openapi/management.yaml',
    '--hookfiles=test/contract/hooks/*.cjs',
    '--language=nodejs',
    '--loglevel=warning',
  ];
}

/** Runs Dredd, passing its output through, and returns its exit code with everything it printed. */
export function runDredd(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('node_modules/.bin/dredd', args, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let output = '';
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        (stream === child.stdout ? process.stdout : process.stderr).write(chunk);
      });
    }
    child.on('exit', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** The share of transactions that must run (not be skipped) for a full local run to pass. */
export const MIN_RUN_PERCENT = 95;

export interface SummaryOptions {
  /** DREDD_ONLY, when set: the goal applies to full runs only. */
  only: string | undefined;
  /** Whether fewer than MIN_RUN_PERCENT run fails the run (the local run; not a server QA runs). */
  goal: boolean;
  /** Tables of skips printed before the counts: a title and its [key, reason] rows. */
  tables: [string, [string, string][]][];
}

/**
 * Prints "transactions: N, run: R (P %), skipped: S" from Dredd's closing line after the tables of answers that
 * cannot be produced; fails when Dredd failed, anything failed or errored, or (with the goal) too few ran.
 */
export function summarize(dredd: { code: number; output: string }, options: SummaryOptions): number {
  const counts = /(\d+) passing, (\d+) failing, (\d+) errors, (\d+) skipped, (\d+) total/.exec(dredd.output);
  if (!counts) {
    console.error('contract: Dredd printed no summary');
    return 1;
  }
  const [failing, errors, skipped, total] = counts.slice(2).map(Number) as [number, number, number, number];
  const failed = failing + errors;
  const ran = total - skipped;
  const percent = total ? (100 * ran) / total : 0;
  for (const [title, rows] of options.tables) {
    console.log(`\ncontract: ${title}:`);
    for (const [key, reason] of rows) console.log(`  ${key}: ${reason}`);
  }
  console.log(
    `contract: transactions: ${total}, run: ${ran} (${percent.toFixed(1)} %), skipped: ${skipped}, failed: ${failed}`,
  );
  if (dredd.code !== 0 || failed > 0) return 1;
  if (!options.goal) {
    console.log(`contract: the ${MIN_RUN_PERCENT} % goal applies to the local run only; none failed`);
    return 0;
  }
  if (options.only) {
    console.log(`contract: DREDD_ONLY=${options.only}: the ${MIN_RUN_PERCENT} % goal applies to full runs only`);
    return 0;
  }
  if (percent < MIN_RUN_PERCENT) {
    console.error(`contract: fewer than ${MIN_RUN_PERCENT} % of the transactions ran`);
    return 1;
  }
  return 0;
}
