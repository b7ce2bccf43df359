/** The benchmark's one table: a row per scenario, the ratio to the ceiling as the last column. */

export interface Row {
  scenario: string;
  /** Mean requests per second over the measured run. */
  rps: number;
  /** Latency percentiles, ms. */
  p50: number;
  p99: number;
  /** Answers received, and how many of them (plus socket errors and timeouts) were not the expected 200. */
  requests: number;
  failures: number;
  firstFailure?: string;
  /** Minimum ratio to the ceiling; undefined for the ceiling itself. */
  target?: number;
  /** Requests/s over the ceiling's; undefined when the ceiling failed. */
  ratio?: number;
}

function verdict(r: Row): string {
  if (r.failures > 0) return `FAILED (${r.failures} of ${r.requests} not 200)`;
  if (r.target === undefined || r.ratio === undefined) return 'ok';
  return r.ratio >= r.target ? 'ok' : 'BELOW TARGET';
}

export function formatTable(rows: Row[]): string {
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'result', 'target', 'ratio'];
  const body = rows.map((r) => [
    r.scenario,
    r.rps.toFixed(0),
    r.p50.toFixed(1),
    r.p99.toFixed(1),
    verdict(r),
    r.target === undefined ? '' : `>= ${r.target.toFixed(2)}`,
    // A failed scenario has no meaningful speed: no ratio.
    r.failures > 0 || r.ratio === undefined ? 'n/a' : r.ratio.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)];
  for (const r of rows) if (r.firstFailure) out.push(`${r.scenario}: first unexpected answer: ${r.firstFailure}`);
  return out.join('\n');
}

/** One authorizer scenario on a server with metrics on and on one with them off, run right after. */
export interface MetricsCostRow {
  scenario: string;
  onRps: number;
  offRps: number;
  /** Answers that were not the expected 200 on either server: the speeds mean nothing then. */
  failures: number;
}

export function formatMetricsCost(rows: MetricsCostRow[]): string {
  const header = ['scenario', 'on req/s', 'off req/s', 'on/off'];
  const body = rows.map((r) => [
    r.scenario,
    r.onRps.toFixed(0),
    r.offRps.toFixed(0),
    r.failures > 0 || r.offRps === 0 ? 'n/a' : (r.onRps / r.offRps).toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
