/**
 * What every command of the operators' CLI runs in: where it writes, how it reads the configuration, and the
 * services, built by the same composition root as the API (so a change made here is made the way the API makes
 * it) and closed when the command ends. Results go to stdout, one value a line where a script reads them
 * (`TOKEN=$(…)`); progress, notes and errors go to stderr.
 */
import { userInfo } from 'node:os';
import type { Config } from '../config/index.js';
import { createLogger } from '../lib/logger.js';
import { createServices, type Services } from '../compose.js';
import type { CliActor } from '../domain/admin/admin-actor.js';

/** A terminal stream as far as the CLI needs one (tests hand in their own). */
export interface CliStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface CliInput extends NodeJS.EventEmitter {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  resume(): unknown;
  pause(): unknown;
}

export interface CliEnv {
  stdout: CliStream;
  stderr: CliStream;
  stdin: CliInput;
  config(): Config;
  /** Who runs the command, as the OS knows them: the admin activities name them. */
  osUser(): string;
}

export function processEnv(config: () => Config): CliEnv {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    config,
    osUser: () => userInfo().username,
  };
}

export const line = (stream: CliStream, text: string) => stream.write(`${text}\n`);

/** Bad input found after parsing (an unknown user, a refused value): a message and exit code 1. */
export class CliFailure extends Error {}

/**
 * Runs `work` with the services and the operator's actor for `command` (e.g. `users set-role`), then closes them.
 * The services log errors to stderr, as JSON, like the API does (their warnings are about serving, not this).
 */
export async function withServices<T>(
  env: CliEnv,
  command: string,
  work: (s: Services, actor: CliActor) => Promise<T>,
): Promise<T> {
  const config = env.config();
  const level = config.logLevel === 'silent' ? 'silent' : 'error';
  const services = await createServices(
    config,
    createLogger(level, 'barong-cli', { write: (s: string) => env.stderr.write(s) }),
  );
  try {
    return await work(services, { osUser: env.osUser(), command });
  } finally {
    await services.close();
  }
}
