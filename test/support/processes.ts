/** Helpers for tests and tools that start real processes on loopback. */
import type { ChildProcess } from 'node:child_process';
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
