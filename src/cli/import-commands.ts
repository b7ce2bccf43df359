/**
 * `import barong`: a running Barong 2.6's database, secrets and files into this server (docs/migrating-from-barong.md).
 * Progress goes to stderr; the report to stdout: per table Barong's rows against ours with a checksum of each side,
 * then every value, row or file that did not carry over. Exit code 1 when a table does not match after a complete
 * run, or a file did not copy.
 */
import { Command } from 'commander';
import { ImportRefused, tableMatches, type ImportSummary, type TableResult } from '../import/barong/barong-import.js';
import { ImportSetupError, openBarongImport, type BarongImportSetup } from '../import/barong/open-barong-import.js';
import type { Problem } from '../import/barong/problems.js';
import { progressOn } from './progress.js';
import { CliFailure, line, withServices, type CliEnv } from './runtime.js';
import { wholeNumber } from './whole-number.js';

const DEFAULT_BATCH_SIZE = 1000;
const PROBLEMS_SHOWN = 100;

interface ImportFlags extends BarongImportSetup {
  batchSize: number;
  maxBatches?: number;
  restart?: boolean;
}

const short = (sha: string | undefined) => (sha ? sha.slice(0, 16) : '-');

function tableLine(t: TableResult, dryRun: boolean): string {
  const verdict = tableMatches(t) ? 'match' : 'MISMATCH';
  const counts = [
    `barong ${t.sourceRows}`,
    `importable ${t.sourceTally?.rows ?? '-'}`,
    `ours ${t.targetTally?.rows ?? '-'}`,
    t.doneEarlier ? 'done in an earlier run' : `${dryRun ? 'would write' : 'written'} ${t.written}`,
    `unchanged ${t.unchanged}`,
    `not imported ${t.notImported + t.refused.length}`,
  ];
  const sums = `checksum barong ${short(t.sourceTally?.sha256)} ours ${short(t.targetTally?.sha256)}`;
  return `${t.table} → ${t.target}: ${counts.join(', ')}; ${sums}${dryRun ? '' : ` ${verdict}`}`;
}

const problemLine = (p: Problem) =>
  `  ${p.note ? 'note' : 'problem'}: ${p.table} id ${p.id}${p.column ? ` ${p.column}` : ''}: ${p.reason}`;

function report(env: CliEnv, summary: ImportSummary): void {
  for (const t of summary.tables) line(env.stdout, tableLine(t, summary.dryRun));
  if (summary.problems.length) {
    line(env.stdout, `${summary.problems.length} problems and notes:`);
    for (const p of summary.problems.slice(0, PROBLEMS_SHOWN)) line(env.stdout, problemLine(p));
    if (summary.problems.length > PROBLEMS_SHOWN)
      line(env.stdout, `  … and ${summary.problems.length - PROBLEMS_SHOWN} more`);
  }
  if (!summary.complete) {
    line(env.stdout, 'stopped at --max-batches: run the same command again to resume');
    return;
  }
  if (summary.dryRun) {
    line(env.stdout, 'dry run: nothing was written');
    return;
  }
  const mismatched = summary.tables.filter((t) => !tableMatches(t)).map((t) => t.table);
  const files = summary.problems.filter((p) => !p.note && p.table === 'documents' && p.column === 'upload');
  if (mismatched.length)
    throw new CliFailure(`tables that do not match: ${mismatched.join(', ')} (see the problems above)`);
  if (files.length) throw new CliFailure(`${files.length} document files did not copy (see the problems above)`);
  line(env.stdout, 'complete: every table matches');
}

export function importCommands(env: CliEnv): Command {
  const group = new Command('import').description('bring an exchange over from another server');
  group
    .command('barong')
    .summary('import a Barong 2.6 database, its API-key secrets (Vault) and its KYC files')
    .description(
      "Reads a running Barong 2.6's MySQL database and writes ours: ids and uids kept, bcrypt password digests kept " +
        '(rehashed at each next login), personal data decrypted with SECRET_KEY_BASE and encrypted under ' +
        "BARONG_ENCRYPTION_KEYS, API-key secrets decrypted through Vault's transit engine, document files copied and " +
        'checked. Resumable; a second run changes only what changed in Barong meanwhile. See docs/migrating-from-barong.md.',
    )
    .requiredOption('--from <url>', "Barong's database: mysql://user:password@host:port/database")
    .requiredOption('--secret-key-base-file <file>', "a file holding Barong's SECRET_KEY_BASE")
    .option('--crc32-salt-file <file>', "a file holding BARONG_CRC32_SALT: Barong's CRC32 indexes are cross-checked")
    .option('--dry-run', 'read, decrypt and check everything; write nothing')
    .option('--vault-addr <url>', "Barong's Vault (VAULT_ADDRESS), to decrypt the API-key secrets")
    .option('--vault-token-file <file>', 'a file holding the Vault token (default: VAULT_TOKEN)')
    .option('--vault-app-name <name>', "Barong's VAULT_APP_NAME", 'barong')
    .option('--vault-totp-prefix <name>', "prefix of Vault's TOTP key names (default: --vault-app-name)")
    .option('--vault-transit-mount <path>', "where Vault's transit engine is mounted", 'transit')
    .option('--uploads <dir>', "Barong's public/uploads directory (CarrierWave local storage)")
    .option('--uploads-s3-bucket <name>', "the bucket of Barong's uploads (CarrierWave fog storage)")
    .option('--uploads-s3-prefix <prefix>', 'key prefix in that bucket', 'uploads')
    .option('--uploads-s3-region <region>', "the bucket's region", 'us-east-1')
    .option('--uploads-s3-endpoint <url>', 'an S3-compatible endpoint (MinIO, Google XML API …)')
    .option('--uploads-s3-path-style', 'address the bucket by path (MinIO)')
    .option('--batch-size <rows>', 'rows read and written at a time', wholeNumber(1), DEFAULT_BATCH_SIZE)
    .option('--max-batches <count>', 'stop after this many batches; the next run resumes there', wholeNumber(1))
    .option('--restart', 'forget where an interrupted run stopped and start from the first row')
    .action(async (flags: ImportFlags) => {
      const progress = progressOn(env.stderr, flags.dryRun ? 'import barong (dry run)' : 'import barong');
      let summary: ImportSummary;
      try {
        summary = await withServices(env, 'import barong', async (services) => {
          const opened = await openBarongImport({ ...flags, dryRun: !!flags.dryRun }, services);
          try {
            return await opened.importer.run({
              batchSize: flags.batchSize,
              maxBatches: flags.maxBatches,
              restart: flags.restart,
              onProgress: (section, done, total) => progress.update(done, total, section),
            });
          } finally {
            await opened.close();
          }
        });
      } catch (err) {
        if (err instanceof ImportSetupError || err instanceof ImportRefused) throw new CliFailure(err.message);
        throw err;
      } finally {
        progress.stop();
      }
      report(env, summary);
    });
  return group;
}
