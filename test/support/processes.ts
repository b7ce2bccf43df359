/** Helpers for tests and tools that start real processes on loopback. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { until } from './wait.js';

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Waits until `url` answers 2xx; fails early when the child process exits. */
export async function waitForHealth(url: string, server: ChildProcess, timeoutSeconds = 30): Promise<void> {
  const healthy = async () => {
    if (server.exitCode !== null) throw new Error(`server exited with code ${server.exitCode}`);
    // A refused connection means not listening yet.
    return (await fetch(url).catch(() => undefined))?.ok;
  };
  await until(healthy, { timeoutMs: timeoutSeconds * 1000, intervalMs: 100, what: `${url} to answer` });
}

export interface RunningProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far (the logs, when LOG_LEVEL lets them through). */
  output(): string;
  /** The exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Sends `signal` unless the process has already exited, and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs a TypeScript entry (`src/main.ts`, `jobs/main.ts`) under tsx, as its own process, with `env` added. */
export function spawnTsx(entry: string, env: Record<string, string>, args: string[] = []): RunningProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
