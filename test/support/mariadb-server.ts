/**
 * A MariaDB server of a test's own (test/faults/): a fresh data directory under os.tmpdir() made by
 * mariadb-install-db, `mariadbd` on a spare loopback port, root with an empty password over TCP (as the machine's
 * server is set up for the app). A drill can kill it and start it again on the same directory and port without
 * touching the machine's server. `destroy()` stops it and removes the directory.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { freePort } from './processes.js';
import { until } from './wait.js';

const run = promisify(execFile);

export interface MariadbServer {
  port: number;
  /** Stops the server with `signal` (SIGKILL: a crash; SIGTERM: a clean shutdown) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same data directory and port (unless it runs); resolves once it answers a query. */
  start(): Promise<void>;
  destroy(): Promise<void>;
}

async function answers(port: number): Promise<boolean> {
  try {
    const conn = await createConnection({ host: '127.0.0.1', port, user: 'root', password: '', connectTimeout: 2000 });
    await conn.query('SELECT 1');
    await conn.end();
    return true;
  } catch {
    return false;
  }
}

export async function startMariadbServer(): Promise<MariadbServer> {
  const dir = mkdtempSync(join(tmpdir(), 'barong-mariadb-'));
  const datadir = join(dir, 'data');
  const port = await freePort();
  // `--user=root`: mariadbd refuses to run as root otherwise (CI runs as root); harmless for another user.
  const common = ['--no-defaults', `--datadir=${datadir}`, '--user=root'];
  await run('mariadb-install-db', [...common, '--auth-root-authentication-method=normal', '--skip-test-db'], {
    timeout: 120_000,
  });
  let child: ChildProcess | undefined;

  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null;

  const start = async () => {
    if (running()) return;
    const server = spawn(
      'mariadbd',
      [
        ...common,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        `--socket=${join(dir, 'mysqld.sock')}`,
        `--pid-file=${join(dir, 'mysqld.pid')}`,
        `--log-error=${join(dir, 'error.log')}`,
        '--skip-log-bin',
        // Small and quick to start: a drill's database holds a few hundred rows.
        '--innodb-buffer-pool-size=32M',
        '--innodb-log-file-size=16M',
      ],
      { stdio: 'ignore' },
    );
    child = server;
    await until(
      async () => {
        if (server.exitCode !== null) throw new Error(`mariadbd on port ${port} exited (see ${dir}/error.log)`);
        return answers(port);
      },
      { timeoutMs: 60_000, intervalMs: 200, what: `mariadbd on port ${port} to answer` },
    );
  };

  const stop = async (signal: NodeJS.Signals = 'SIGKILL') => {
    const server = child;
    if (!server || !running()) return;
    const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    const force = setTimeout(() => server.kill('SIGKILL'), 30_000);
    server.kill(signal);
    await exited;
    clearTimeout(force);
  };

  try {
    await start();
  } catch (err) {
    await stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    port,
    stop,
    start,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
