/**
 * What `npm run bench` leaves behind: the run's numbers as JSON (test/bench/results/<fresh|bulk>.json), and
 * BENCHMARKS.md with benchmarks.svg rebuilt from the last fresh and bulk runs. The explanation of each miss comes
 * from test/bench/benchmarks-explained.md (a `## <row name>` section per row), under the measured facts the bench
 * fills in itself.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import type { Measured } from './bench-load.js';
import { MAIL_TARGET_P99_MS, type MailResult } from './bench-mail-phase.js';

export const RESULTS_DIR = 'test/bench/results';
const EXPLAINED = 'test/bench/benchmarks-explained.md';
export const RSS_TARGET_MB = 150;

export interface RowResult extends Measured {
  name: string;
  reference?: string;
  target?: number;
  /** requests/s over the bare endpoint's. */
  ratioToBare?: number;
  /** requests/s over the reference's (the target's ratio). */
  ratio?: number;
  met?: boolean;
}

export interface ProcessMemory {
  name: string;
  idleMb: number;
  peakMb: number;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  loadAverage: number[];
}

export interface RunResults {
  kind: 'fresh' | 'bulk';
  database: string;
  /** Users and activities in the database when the run began. */
  users: number;
  activities: number;
  date: string;
  machine: Machine;
  settings: { seconds: number; warmupSeconds: number; connections: number; hashInFlight: number; hashing: string };
  rows: RowResult[];
  mail: MailResult;
  memory: ProcessMemory[];
}

export function machine(): Machine {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

export function saveResults(r: RunResults): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(`${RESULTS_DIR}/${r.kind}.json`, `${JSON.stringify(r, null, 2)}\n`);
}

function loadResults(kind: RunResults['kind']): RunResults | undefined {
  const file = `${RESULTS_DIR}/${kind}.json`;
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RunResults) : undefined;
}

const f0 = (n: number | undefined) =>
  n === undefined || Number.isNaN(n) ? '–' : Math.round(n).toLocaleString('en-US');
const f1 = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(1));
const f2 = (n: number | undefined) => (n === undefined ? '–' : n.toFixed(2));

function targetText(r: RowResult): string {
  if (r.target === undefined) return '';
  return `≥ ${r.target.toFixed(2)}${r.reference ? ` × ${r.reference}` : ''}`;
}

function metText(r: RowResult): string {
  if (r.failures > 0)
    return `**FAILED** (${r.failures} unexpected answers, socket errors or timeouts; ${r.requests} answers)`;
  if (r.met === undefined) return '';
  return r.met ? 'yes' : '**no**';
}

/** The console's and the document's table (Markdown). */
export function tableMarkdown(r: RunResults): string {
  const lines = [
    '| phase | req/s | p50 ms | p99 ms | ratio to bare | target | ratio to target’s reference | met? |',
    '|---|---:|---:|---:|---:|---|---:|---|',
  ];
  for (const row of r.rows)
    lines.push(
      `| ${row.name} | ${f0(row.rps)} | ${f1(row.p50)} | ${f1(row.p99)} | ${f2(row.ratioToBare)} | ${targetText(row)} | ${
        row.target === undefined ? '' : f2(row.ratio)
      } | ${metText(row)} |`,
    );
  const m = r.mail;
  lines.push(
    m.ran
      ? `| sign-up → mail, ${m.rate}/s for ${m.seconds} s (mail after the 201) | ${f0(m.signUpsPerSecond)} | ${f0(m.p50)} | ${f0(m.p99)} | | p99 < ${MAIL_TARGET_P99_MS} ms, none lost | lost ${m.lost}, twice ${m.duplicates} | ${mailMet(m) ? 'yes' : '**no**'} |`
      : `| sign-up → mail, ${m.rate}/s for ${m.seconds} s | – | – | – | | p99 < ${MAIL_TARGET_P99_MS} ms, none lost | | ${m.note} |`,
  );
  lines.push('', '| process | RSS idle MB | peak RSS MB | target | met? |', '|---|---:|---:|---|---|');
  for (const p of r.memory)
    lines.push(
      `| ${p.name} | ${f1(p.idleMb)} | ${f1(p.peakMb)} | ${p.name.startsWith('server') ? `< ${RSS_TARGET_MB} MB` : ''} | ${
        p.name.startsWith('server') ? (p.peakMb < RSS_TARGET_MB ? 'yes' : '**no**') : ''
      } |`,
    );
  for (const row of r.rows)
    if (row.firstFailure) lines.push('', `${row.name}: first unexpected answer: \`${row.firstFailure}\``);
  return lines.join('\n');
}

interface ChartItem {
  label: string;
  value: number;
  target: number;
}

/**
 * The mail target is a steady rate of sign-ups with their mails in the inbox within the budget: mails that arrive
 * fast after answers the server could not give at that rate do not meet it. Kept at report time, so saved runs read
 * the same way.
 */
const MAIL_KEPT_RATE_SHARE = 0.95;
function mailMet(m: MailResult): boolean {
  return m.met === true && m.signUpsPerSecond !== undefined && m.signUpsPerSecond >= MAIL_KEPT_RATE_SHARE * m.rate;
}

/** Every target as a ratio that meets it at ≥ its target (mail and memory as budget over measured, target 1). */
function chartItems(r: RunResults): ChartItem[] {
  const items: ChartItem[] = r.rows
    .filter((row) => row.target !== undefined && row.ratio !== undefined)
    .map((row) => ({ label: `${row.name} (vs ${row.reference ?? 'bare'})`, value: row.ratio!, target: row.target! }));
  if (r.mail.ran && r.mail.p99 !== undefined)
    items.push({
      label: `mail p99: ${MAIL_TARGET_P99_MS} ms budget / ${f0(r.mail.p99)} ms`,
      value: MAIL_TARGET_P99_MS / Math.max(1, r.mail.p99),
      target: 1,
    });
  for (const p of r.memory.filter((m) => m.name.startsWith('server')))
    items.push({
      label: `${p.name} RSS: ${RSS_TARGET_MB} MB budget / ${f0(p.peakMb)} MB peak`,
      value: RSS_TARGET_MB / p.peakMb,
      target: 1,
    });
  return items;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A horizontal bar per target: the measured ratio, a black tick at the target; green when met, red when not. */
export function chartSvg(title: string, items: ChartItem[]): string {
  const labelW = 430;
  const barW = 420;
  const rowH = 26;
  const top = 40;
  const max = Math.max(1.2, ...items.map((i) => i.value), ...items.map((i) => i.target)) * 1.05;
  const x = (v: number) => labelW + (Math.min(v, max) / max) * barW;
  const height = top + items.length * rowH + 30;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelW + barW + 80}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`,
  ];
  for (const tick of [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3].filter((t) => t <= max)) {
    parts.push(
      `<line x1="${x(tick)}" y1="${top - 6}" x2="${x(tick)}" y2="${height - 24}" stroke="#ddd"/>`,
      `<text x="${x(tick)}" y="${height - 10}" text-anchor="middle" fill="#666">${tick}</text>`,
    );
  }
  items.forEach((item, i) => {
    const y = top + i * rowH;
    const met = item.value >= item.target;
    parts.push(
      `<text x="${labelW - 8}" y="${y + 15}" text-anchor="end">${esc(item.label)}</text>`,
      `<rect x="${labelW}" y="${y + 3}" width="${Math.max(1, x(item.value) - labelW)}" height="${rowH - 8}" fill="${met ? '#3a9d4a' : '#d0463c'}"/>`,
      `<line x1="${x(item.target)}" y1="${y}" x2="${x(item.target)}" y2="${y + rowH - 2}" stroke="black" stroke-width="2"/>`,
      `<text x="${x(item.value) + 4}" y="${y + 15}">${item.value.toFixed(2)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function explanations(): Map<string, string> {
  const map = new Map<string, string>();
  if (!existsSync(EXPLAINED)) return map;
  const sections = readFileSync(EXPLAINED, 'utf8').split(/^## /m).slice(1);
  for (const s of sections) {
    const nl = s.indexOf('\n');
    map.set(s.slice(0, nl).trim(), s.slice(nl + 1).trim());
  }
  return map;
}

interface Miss {
  name: string;
  facts: string;
}

function misses(r: RunResults): Miss[] {
  const out: Miss[] = [];
  for (const row of r.rows)
    if (row.failures > 0 || row.met === false)
      out.push({
        name: row.name,
        facts:
          row.failures > 0
            ? `${row.failures} of ${row.requests} answers unexpected (first: \`${row.firstFailure}\`)`
            : `${f0(row.rps)} req/s, ${f2(row.ratio)} × ${row.reference ?? 'bare'} against ${targetText(row)}`,
      });
  if (!r.mail.ran || !mailMet(r.mail))
    out.push({
      name: 'sign-up → mail',
      facts: r.mail.ran
        ? `the server answered ${f1(r.mail.signUpsPerSecond)} sign-ups/s of the ${r.mail.rate}/s offered; mail after ` +
          `the answer p50 ${f0(r.mail.p50)} ms, p99 ${f0(r.mail.p99)} ms, ${r.mail.lost} lost, ${r.mail.duplicates} twice`
        : `${r.mail.note}`,
    });
  for (const p of r.memory)
    if (p.name.startsWith('server') && p.peakMb >= RSS_TARGET_MB)
      out.push({
        name: 'server RSS',
        facts: `${f1(p.idleMb)} MB idle, ${f1(p.peakMb)} MB peak against < ${RSS_TARGET_MB} MB`,
      });
  return out;
}

/**
 * A row's cost change on the bulk database, from its ratio to its reference in each run (so a machine busier in
 * one run than the other moves both sides alike): fresh ratio ÷ bulk ratio − 1. The references (bare, raw
 * argon2id) touch no table and compare by requests/s. Undefined when the bulk row failed.
 */
function costChange(f: RowResult, b: RowResult, fresh: RunResults, bulk: RunResults): number | undefined {
  if (b.failures > 0 || b.rps === 0) return undefined;
  const ref = (r: RunResults, row: RowResult) => r.rows.find((x) => x.name === (row.reference ?? r.rows[0]!.name));
  const isReference = f === fresh.rows[0] || fresh.rows.some((x) => x.reference === f.name);
  if (isReference) return f.rps / b.rps - 1;
  const fr = ref(fresh, f);
  const br = ref(bulk, b);
  if (!fr || !br) return f.rps / b.rps - 1;
  return f.rps / fr.rps / (b.rps / br.rps) - 1;
}

/** Rows whose cost on the bulk database is more than 10 % above the fresh one's. */
function bulkMisses(fresh: RunResults, bulk: RunResults): Miss[] {
  return bulk.rows.flatMap((b) => {
    const f = fresh.rows.find((x) => x.name === b.name);
    if (!f) return [];
    const change = costChange(f, b, fresh, bulk);
    if (change !== undefined && change <= 0.1) return [];
    const facts =
      change === undefined
        ? `${f0(f.rps)} req/s fresh; on the bulk database ${b.failures} of ${b.requests} unexpected (first: \`${b.firstFailure}\`)`
        : `${f0(f.rps)} req/s fresh, ${f0(b.rps)} on the bulk database, cost ${(change * 100).toFixed(0)} % higher relative to its reference (p99 ${f1(f.p99)} → ${f1(b.p99)} ms)`;
    return [{ name: `bulk: ${b.name}`, facts }];
  });
}

function bulkComparison(fresh: RunResults, bulk: RunResults): string {
  const lines = [
    '| phase | fresh req/s | bulk req/s | cost change, relative to the reference in each run | within 10 %? |',
    '|---|---:|---:|---:|---|',
  ];
  for (const b of bulk.rows) {
    const f = fresh.rows.find((x) => x.name === b.name);
    if (!f) continue;
    const change = costChange(f, b, fresh, bulk);
    lines.push(
      `| ${b.name} | ${f0(f.rps)} | ${f0(b.rps)} | ${change === undefined ? 'failed' : `${(change * 100).toFixed(1)} %`} | ${
        change !== undefined && change <= 0.1 ? 'yes' : '**no**'
      } |`,
    );
  }
  return lines.join('\n');
}

function describeRun(r: RunResults): string {
  const m = r.machine;
  return [
    `- date: ${r.date}`,
    `- machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB memory, Node ${m.node}; load average at start ${m.loadAverage.join(' / ')} (a machine shared with other work)`,
    `- database: \`${r.database}\` with ${r.users.toLocaleString('en-US')} users and ${r.activities.toLocaleString('en-US')} activities`,
    `- each phase: ${r.settings.warmupSeconds} s warm-up, then ${r.settings.seconds} s measured; ${r.settings.connections} connections (argon2 phases: ${r.settings.hashInFlight} in flight); argon2id ${r.settings.hashing}`,
  ].join('\n');
}

interface SoakResults {
  date: string;
  minutes: number;
  concurrency: number;
  verdict: string;
  perMinute: {
    minute: number;
    counts: Record<string, number>;
    unexpected: number;
    serverErrors: number;
    rss: Record<string, number>;
    heapUsedMb?: number;
  }[];
}

/** The last `npm run soak`: its verdict, a row per minute, its chart. */
function soakSection(): string[] {
  const file = `${RESULTS_DIR}/soak.json`;
  if (!existsSync(file)) return [];
  const soak = JSON.parse(readFileSync(file, 'utf8')) as SoakResults;
  const names = Object.keys(soak.perMinute[0]?.rss ?? {});
  return [
    '## Soak (`npm run soak`)',
    '',
    `${soak.date}: ${soak.minutes} min, ${soak.concurrency} loops of a mixed workload; ${soak.verdict}.`,
    '',
    `| minute | operations | unexpected | 5xx / socket | ${names.map((n) => `${n} RSS MB`).join(' | ')} | server V8 heap in use MB |`,
    `|---:|---:|---:|---:|${names.map(() => '---:').join('|')}|---:|`,
    ...soak.perMinute.map(
      (m) =>
        `| ${m.minute} | ${f0(Object.values(m.counts).reduce((a, b) => a + b, 0))} | ${m.unexpected} | ${m.serverErrors} | ${names
          .map((n) => f1(m.rss[n]))
          .join(' | ')} | ${m.heapUsedMb === undefined ? '–' : f1(m.heapUsedMb)} |`,
    ),
    '',
    '![soak: RSS per minute, unexpected answers](soak.svg)',
    '',
  ];
}

/** BENCHMARKS.md and benchmarks.svg from the saved results. */
export function writeReport(): void {
  const fresh = loadResults('fresh');
  const bulk = loadResults('bulk');
  const main = fresh ?? bulk;
  if (!main) return;
  writeFileSync(
    'benchmarks.svg',
    chartSvg(`npm run bench, ${main.date}: measured ratio vs target (tick)`, chartItems(main)),
  );
  const explained = explanations();
  const doc = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (test/bench/bench.ts) from its last runs; do not edit by hand. The explanations of',
    'misses come from test/bench/benchmarks-explained.md. One server, the compiled build as `npm start` runs it',
    '(API, outbox relay and workers in one process), on loopback; autocannon in the benchmark’s own process.',
    '',
    '## The table',
    '',
    describeRun(main),
    '',
    tableMarkdown(main),
    '',
    '![each ratio against its target](benchmarks.svg)',
    '',
    '## On 1,000,000 users and 10,000,000 activities (`npm run seed:bulk`, then `BENCH_DATABASE=… npm run bench`)',
    '',
    ...(bulk && fresh && bulk !== main
      ? [
          describeRun(bulk),
          '',
          tableMarkdown(bulk),
          '',
          '### Cost against the fresh database',
          '',
          bulkComparison(fresh, bulk),
        ]
      : ['Not run yet.']),
    '',
    '## Misses, explained',
    '',
    '<!-- measured facts: filled by the bench; explanations: test/bench/benchmarks-explained.md -->',
    '',
    ...[...misses(main), ...(fresh && bulk ? bulkMisses(fresh, bulk) : [])].flatMap((m) => [
      `### ${m.name}`,
      '',
      `Measured: ${m.facts}.`,
      '',
      explained.get(m.name) ??
        `_No explanation written for this row yet: add a \`## ${m.name}\` section to test/bench/benchmarks-explained.md._`,
      '',
    ]),
    ...soakSection(),
  ];
  writeFileSync('BENCHMARKS.md', `${doc.join('\n')}\n`);
}
