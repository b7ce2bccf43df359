/**
 * Database tasks: `tsx src/db/cli.ts migrate|rollback|seed|reset`.
 *   migrate   create the database when missing, then run pending migrations
 *   rollback  undo every migration (all batches)
 *   seed      run the seeds (each fills only an empty table, so re-running is safe)
 *   reset     rollback all, migrate, seed
 * Prints one line per action; on failure prints one line to stderr and exits 1 (2 for a usage error).
 */
import { basename } from 'node:path';
import knex, { type Knex } from 'knex';
import { ConfigError, loadConfig } from '../config/index.js';
import { ensureDatabase } from './create-database.js';
import { knexConfig, type DatabaseConfig } from './knex-config.js';

const COMMANDS = ['migrate', 'rollback', 'seed', 'reset'] as const;
type Command = (typeof COMMANDS)[number];

const say = (line: string) => process.stdout.write(`${line}\n`);
const names = (files: string[]) => files.map((f) => basename(f)).join(', ');

async function migrate(db: Knex, name: string): Promise<void> {
  const [batch, files] = (await db.migrate.latest()) as [number, string[]];
  say(
    files.length
      ? `migrated ${name}: batch ${batch}, ${files.length} migration(s): ${names(files)}`
      : `migrated ${name}: already up to date`,
  );
}

async function rollback(db: Knex, name: string): Promise<void> {
  const [, files] = (await db.migrate.rollback(undefined, true)) as [number, string[]];
  say(files.length ? `rolled back ${name}: ${files.length} migration(s)` : `rolled back ${name}: nothing to roll back`);
}

async function seed(db: Knex, name: string): Promise<void> {
  const [files] = await db.seed.run();
  say(`seeded ${name}: ${names(files) || 'no seed files'}`);
}

/** Knex prints warnings (with stacks) to stdout; keep them to one stderr line, and leave connection
 * failures to the final error line. */
const quietLog = {
  warn(message: unknown) {
    const text = String(message);
    if (!text.startsWith('Acquire connection error')) process.stderr.write(`knex: ${text.split('\n')[0]}\n`);
  },
  deprecate(method: string, alternative: string) {
    process.stderr.write(`knex: ${method} is deprecated, use ${alternative}\n`);
  },
};

async function run(command: Command, config: DatabaseConfig): Promise<void> {
  if (command === 'migrate' || command === 'reset') {
    await ensureDatabase(config);
    say(`database ${config.name} ready`);
  }
  const db = knex({ ...knexConfig(config), log: quietLog });
  try {
    if (command === 'rollback' || command === 'reset') await rollback(db, config.name);
    if (command === 'migrate' || command === 'reset') await migrate(db, config.name);
    if (command === 'seed' || command === 'reset') await seed(db, config.name);
  } finally {
    await db.destroy();
  }
}

function oneLine(err: unknown): string {
  if (err instanceof ConfigError) return `invalid configuration: ${err.problems.join('; ')}`;
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/\s*\n\s*/g, ' ');
}

async function main(argv: string[]): Promise<number> {
  const command = argv[0];
  if (argv.length !== 1 || !COMMANDS.includes(command as Command)) {
    process.stderr.write(`usage: tsx src/db/cli.ts ${COMMANDS.join('|')}\n`);
    return 2;
  }
  try {
    await run(command as Command, loadConfig().database);
    return 0;
  } catch (err) {
    process.stderr.write(`db ${command} failed: ${oneLine(err)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
