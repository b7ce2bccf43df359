/**
 * One redis-server of a test's own (test/faults/) on a spare loopback port, appending every write to its AOF
 * (`appendfsync always`) in a directory under os.tmpdir(): a drill can kill it and start it again on the same
 * directory and port, and what was written before is still there. `destroy()` stops it and removes the directory.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './processes.js';
import { until } from './wait.js';

const run = promisify(execFile);

export interface RedisServer {
  port: number;
  url: string;
  /** Kills the server (SIGKILL unless told) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

async function pong(port: number): Promise<boolean> {
  try {
    const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'PING'], { timeout: 5000 });
    return stdout.trim() === 'PONG';
  } catch {
    return false;
  }
}

export async function startRedisServer(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'barong-redis-aof-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'yes',
    '--appendfsync',
    'always',
    '--logfile',
    join(dir, 'redis.log'),
  ];
  const start = async () => {
    if (child && child.exitCode === null && child.signalCode === null) return;
    const server = spawn('redis-server', args, { stdio: 'ignore' });
    child = server;
    await until(
      async () => {
        if (server.exitCode !== null) throw new Error(`redis-server on port ${port} exited (see ${dir}/redis.log)`);
        return pong(port);
      },
      { timeoutMs: 15_000, intervalMs: 100, what: `redis-server on port ${port} to answer` },
    );
  };
  const stop = async (signal: NodeJS.Signals = 'SIGKILL') => {
    const server = child;
    if (!server || server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    server.kill(signal);
    await exited;
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    start,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
