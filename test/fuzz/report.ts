/** The fuzzer's report: every offending answer in full enough to replay it, then the statuses per operation. */
import type { FuzzOptions } from './fuzzer.js';
import type { Plan } from './generate.js';

export interface Offence {
  plan: Plan;
  headers: Record<string, string>;
  status: number;
  body: string;
  problems: string[];
  /** The app's logged error for this request, if it logged one (a 5xx). */
  cause?: string;
}

export interface FuzzResult {
  options: FuzzOptions;
  sent: number;
  seconds: number;
  offences: Offence[];
  distribution: Map<string, Map<number, number>>;
  /** Operations that never answered anything but their guard's refusal. */
  neverPast: string[];
  stoppedEarly: boolean;
}

const clip = (s: string, n = 300) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);
const printable = (b: Buffer | undefined) => (b ? clip(JSON.stringify(b.toString('latin1'))) : '(none)');

export function failed(r: FuzzResult): boolean {
  return r.offences.length > 0 || r.neverPast.length > 0 || r.stoppedEarly;
}

export function formatReport(r: FuzzResult): string {
  const lines: string[] = [];
  lines.push(
    `fuzz: seed ${r.options.seed}, ${r.sent} of ${r.options.count} requests in ${r.seconds.toFixed(1)} s, ${r.offences.length} offending answers`,
  );
  if (r.stoppedEarly) lines.push(`STOPPED at the time limit of ${r.options.maxSeconds} s before sending every request`);
  for (const o of r.offences) {
    lines.push('');
    lines.push(`✗ ${o.plan.op.id}: ${o.problems.join('; ')}`);
    lines.push(
      `  request:  ${o.plan.method.toUpperCase()} ${clip(o.plan.target)} [${o.plan.credential}; ${o.plan.mutations.join(', ') || 'no mutation'}]`,
    );
    lines.push(`  headers:  ${clip(JSON.stringify(o.headers))}`);
    lines.push(`  body:     ${printable(o.plan.body)}`);
    lines.push(`  answer:   ${o.status} ${clip(o.body)}`);
    if (o.cause) lines.push(`  cause:    ${o.cause}`);
  }
  if (r.neverPast.length) lines.push('', `never got past their guard: ${r.neverPast.join(', ')}`);
  lines.push('', 'statuses per operation:');
  for (const [id, byStatus] of [...r.distribution].sort(([a], [b]) => a.localeCompare(b))) {
    const counts = [...byStatus].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
    lines.push(`  ${id.padEnd(32)} ${counts.join(' ')}`);
  }
  return lines.join('\n');
}
