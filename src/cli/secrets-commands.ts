/**
 * `secrets reencrypt | reindex`: secrets at rest moved to the newest encryption key, blind indexes to the current
 * index key (docs/operations.md, "Rotating the encryption and blind-index keys"). Progress goes to stderr, the
 * summary to stdout, one table a line.
 */
import { Command } from 'commander';
import type { RewriteSummary, TableSummary } from '../domain/secrets/secret-rewrite.js';
import { SecretsMaintenance } from '../domain/secrets/secrets-maintenance.js';
import { progressOn } from './progress.js';
import { CliFailure, line, withServices, type CliEnv } from './runtime.js';
import { wholeNumber } from './whole-number.js';

const DEFAULT_BATCH_SIZE = 500;

interface RewriteFlags {
  batchSize: number;
  maxBatches?: number;
  restart?: boolean;
}

function tableLine(t: TableSummary): string {
  if (t.skipped) return `${t.table}: done in an earlier run`;
  const problems = [
    t.changedMeanwhile ? `${t.changedMeanwhile} changed meanwhile (already under the current key)` : '',
    t.unreadable.count ? `${t.unreadable.count} unreadable (ids ${t.unreadable.ids.join(', ')})` : '',
    t.conflicts.count ? `${t.conflicts.count} refused as duplicates (ids ${t.conflicts.ids.join(', ')})` : '',
  ];
  return [`${t.table}: ${t.read} read, ${t.rewritten} rewritten`, ...problems.filter(Boolean)].join(', ');
}

function report(env: CliEnv, command: string, summary: RewriteSummary): void {
  for (const table of summary.tables) line(env.stdout, tableLine(table));
  if (!summary.complete) {
    line(env.stdout, `stopped at --max-batches: run \`npm run cli -- ${command}\` again to resume (${summary.run})`);
    return;
  }
  const unreadable = summary.tables.reduce((n, t) => n + t.unreadable.count, 0);
  const conflicts = summary.tables.reduce((n, t) => n + t.conflicts.count, 0);
  if (unreadable)
    throw new CliFailure(
      `${unreadable} rows hold a value no configured key opens: give the key they were made with, then run again with --restart`,
    );
  if (conflicts)
    throw new CliFailure(
      `${conflicts} rows would duplicate another row's index: see docs/operations.md, then run again with --restart`,
    );
  line(env.stdout, `complete (${summary.run})`);
}

export function secretsCommands(env: CliEnv): Command {
  const secrets = new Command('secrets').description(
    'secrets at rest: re-encrypt them under the newest key; recompute the blind indexes',
  );

  const rewriteCommand = (name: 'reencrypt' | 'reindex', summary: string, description: string) =>
    secrets
      .command(name)
      .summary(summary)
      .description(`${description} Resumable: an interrupted run goes on where it stopped. Prints one line a table.`)
      .option('--batch-size <rows>', 'rows read and written at a time', wholeNumber(1), DEFAULT_BATCH_SIZE)
      .option('--max-batches <count>', 'stop after this many batches; the next run resumes there', wholeNumber(1))
      .option('--restart', 'forget where an earlier run stopped and start from the first row')
      .action(async (flags: RewriteFlags) => {
        const command = `secrets ${name}`;
        const progress = progressOn(env.stderr, command);
        const options = {
          ...flags,
          onProgress: (table: string, done: number, total: number) => progress.update(done, total, table),
        };
        let summary: RewriteSummary;
        try {
          summary = await withServices(env, command, (s, actor) => new SecretsMaintenance(s)[name](actor, options));
        } finally {
          progress.stop();
        }
        report(env, command, summary);
      });

  rewriteCommand(
    'reencrypt',
    'encrypt every secret at rest under the newest BARONG_ENCRYPTION_KEYS version',
    'decrypt every secret at rest (OTP seeds, API key secrets, personal data, queued outbox rows, stored signing keys) not under the newest BARONG_ENCRYPTION_KEYS version and encrypt it under that version; afterwards the older versions can leave the configuration.',
  );
  rewriteCommand(
    'reindex',
    'recompute every blind index under BARONG_BLIND_INDEX_KEY',
    'recompute every blind index (phone and document numbers) under BARONG_BLIND_INDEX_KEY; afterwards BARONG_BLIND_INDEX_PREVIOUS_KEY can leave the configuration.',
  );

  return secrets;
}
