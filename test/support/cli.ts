/**
 * The operators' CLI against a test app's database and Redis prefix: in-process (runCli with its output captured),
 * or as the operator runs it (`npm run cli -- …`) in a child process.
 */
import { EventEmitter } from 'node:events';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/config/index.js';
import { runCli } from '../../src/cli/program.js';
import type { CliInput } from '../../src/cli/runtime.js';
import { testEnvironment, type TestApp } from './app.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export const TEST_OPERATOR = 'test-operator';

/** A terminal that is not one: reading it gives nothing. */
export function pipedInput(): CliInput {
  return Object.assign(new EventEmitter(), { isTTY: false, resume() {}, pause() {} });
}

/** In-process; `env` adds settings (e.g. BARONG_ADMIN_PASSWORD); the OS user is TEST_OPERATOR. */
export async function cli(
  t: TestApp,
  argv: string[],
  opts: { env?: Record<string, string>; stdin?: CliInput; tty?: boolean } = {},
): Promise<CliRun> {
  const out = { stdout: '', stderr: '' };
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s), isTTY: opts.tty },
    stdin: opts.stdin ?? pipedInput(),
    config: () => loadConfig({ ...process.env, ...testEnvironment(t.db.name), ...opts.env }),
    osUser: () => TEST_OPERATOR,
  });
  return { code, ...out };
}

/** `npm run <script> -- …args` in a child process, as an operator types it; never rejects. */
export async function npmRun(
  t: TestApp,
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliRun> {
  try {
    const { stdout, stderr } = await promisify(execFile)('npm', ['run', '-s', script, '--', ...args], {
      env: { ...process.env, ...testEnvironment(t.db.name), ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** The admin activities the CLI recorded, oldest first, `data` parsed. */
export async function cliActivities(t: TestApp) {
  const rows = await t.db.knex('activities').where({ category: 'admin' }).whereNull('user_id').orderBy('id');
  return rows.map((r) => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> }));
}
