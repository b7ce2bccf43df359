/** `seed --file seeds.yml`: levels, permissions, restrictions and users from Barong's seeds file, idempotently. */
import { Command } from 'commander';
import { Seeder, SEED_SECTIONS, type SeedSummary } from '../domain/admin/seeder.js';
import { progressOn } from './progress.js';
import { readSeedFile } from './seed-file.js';
import { CliFailure, line, withServices, type CliEnv, type CliStream } from './runtime.js';

function report(stream: CliStream, summary: SeedSummary, ignored: string[]): void {
  for (const section of SEED_SECTIONS) {
    line(stream, `${section}: ${summary.created[section]} created, ${summary.existing[section]} already there`);
  }
  for (const f of summary.failures) line(stream, `${f.section} #${f.position} not seeded: ${f.reason}`);
  if (ignored.length) line(stream, `ignored (not seeded by this server): ${ignored.join(', ')}`);
}

export function seedCommand(env: CliEnv): Command {
  return new Command('seed')
    .summary('seed levels, permissions, restrictions and users from a Barong seeds file')
    .description(
      "seed levels, permissions, restrictions and users from a file in Barong's config/seeds.yml format. Entries " +
        'already in the database are left alone, so running a file twice changes nothing; a user without a password ' +
        'in the file sets one by password reset. Prints a summary; exits 1 when an entry could not be seeded.',
    )
    .requiredOption('--file <path>', 'the seeds file')
    .action(async ({ file }: { file: string }) => {
      let seedFile;
      try {
        seedFile = readSeedFile(file);
      } catch (err) {
        throw new CliFailure((err as Error).message, { cause: err });
      }
      const progress = progressOn(env.stderr, 'seed');
      const summary = await withServices(env, 'seed', async (s, actor) => {
        const seeder = new Seeder({ ...s, policy: s.policyInvalidation });
        try {
          return await seeder.run(actor, seedFile.seeds, (done, total, section) =>
            progress.update(done, total, section),
          );
        } finally {
          progress.stop();
        }
      });
      report(env.stdout, summary, seedFile.ignored);
      if (summary.failures.length) throw new CliFailure(`${summary.failures.length} entries not seeded`);
    });
}
