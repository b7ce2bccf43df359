/**
 * The operators' CLI as a commander program: one group of commands per file beside this one. Exit codes: 0 done,
 * 1 refused or failed (the message says why), 2 a command line that does not parse (the usage follows).
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/index.js';
import { activitiesCommands } from './activities-commands.js';
import { keysCommands } from './keys-commands.js';
import { secretsCommands } from './secrets-commands.js';
import { OperatorRefusal } from '../domain/admin/operator-accounts.js';
import { AppError } from '../errors/app-error.js';
import { jobsCommands } from './jobs-commands.js';
import { seedCommand } from './seed-command.js';
import { serviceAccountsCommands, whitelinkCommands } from './access-commands.js';
import { usersCommands } from './users-commands.js';
import { CliFailure, line, type CliEnv } from './runtime.js';

export const USAGE_ERROR = 2;

export function buildProgram(env: CliEnv): Command {
  const program = new Command('npm run cli --')
    .description('Barong operator commands; every change is recorded as an admin activity naming your OS user')
    .exitOverride()
    .configureOutput({ writeOut: (s) => env.stdout.write(s), writeErr: (s) => env.stderr.write(s) });
  for (const group of [
    usersCommands,
    activitiesCommands,
    seedCommand,
    whitelinkCommands,
    serviceAccountsCommands,
    jobsCommands,
    keysCommands,
    secretsCommands,
  ]) {
    program.addCommand(group(env));
  }
  inheritOutput(program);
  return program;
}

/** Each command: the program's output and exit handling, and its usage line after a parse error. */
function inheritOutput(command: Command, path: string[] = []): void {
  for (const sub of command.commands) {
    const subPath = [...path, sub.name()];
    sub.exitOverride().configureOutput(command.configureOutput());
    sub.showHelpAfterError(`usage: npm run cli -- ${subPath.join(' ')} ${sub.usage()}\n(add --help for more)`);
    inheritOutput(sub, subPath);
  }
}

function failureMessage(err: unknown): string | undefined {
  if (err instanceof ConfigError) return `invalid configuration: ${err.problems.join('; ')}`;
  if (err instanceof OperatorRefusal || err instanceof CliFailure) return err.message;
  if (err instanceof AppError) return `refused: ${err.keys.join(', ')}`;
  return undefined;
}

/** Runs one command line (without `node` and the script); resolves to the exit code. */
export async function runCli(argv: string[], env: CliEnv): Promise<number> {
  const program = buildProgram(env);
  if (!argv.length) {
    program.outputHelp({ error: true });
    return USAGE_ERROR;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    // Commander has written its message (and the usage) already; help and --version end with code 0.
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : USAGE_ERROR;
    const known = failureMessage(err);
    const message = known ?? `failed: ${err instanceof Error ? err.message : String(err)}`;
    line(env.stderr, `error: ${message.replace(/\s*\n\s*/g, ' ')}`);
    return 1;
  }
}
