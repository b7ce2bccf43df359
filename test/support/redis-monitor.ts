/**
 * Redis MONITOR through `redis-cli monitor`, a child process, rather than ioredis' monitor(): ioredis enters its
 * monitoring state only after the MONITOR reply's promise settles, so a command line arriving in the same read as
 * that reply (a busy shared Redis) fails with "Command queue state error".
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { until } from './wait.js';

export interface MonitoredCommand {
  /** The command and its arguments, as redis-cli prints them (quotes and escapes removed). */
  args: string[];
  /** `lua` for a command a script ran; otherwise the client's address. */
  source: string;
}

export interface RedisMonitor {
  /** Waits until a command with `marker` as an argument has been seen (send one, e.g. `ECHO marker`, after the work). */
  seen(marker: string, timeoutMs?: number): Promise<void>;
  stop(): void;
}

const unescape = (quoted: string) =>
  quoted.replace(/\\(x[0-9a-f]{2}|.)/g, (_m, e: string) =>
    e.length === 3 ? String.fromCharCode(parseInt(e.slice(1), 16)) : ({ n: '\n', r: '\r', t: '\t' }[e] ?? e),
  );

/** `1796672404.217980 [1 127.0.0.1:35840] "get" "key"` → the arguments and the source. */
function parse(line: string): MonitoredCommand | undefined {
  const match = /^\d+\.\d+ \[\d+ ([^\]]+)\] (.*)$/.exec(line);
  if (!match) return undefined;
  const args = [...match[2]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => unescape(m[1]!));
  return { args, source: match[1]! };
}

/** Starts monitoring the server `cliArgs` name (`-u url`, or `-h host -p port`); resolves once MONITOR is on. */
export async function monitorRedis(
  cliArgs: string[],
  onCommand: (command: MonitoredCommand) => void,
): Promise<RedisMonitor> {
  const child = spawn('redis-cli', [...cliArgs, 'monitor'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const markers = new Set<string>();
  let on = false;
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line === 'OK') on = true;
    const command = parse(line);
    if (!command) return;
    if (command.args.length === 2 && command.args[0]!.toLowerCase() === 'echo') markers.add(command.args[1]!);
    else onCommand(command);
  });
  const stop = () => void (child.exitCode === null && child.kill());
  try {
    await until(
      () => {
        if (child.exitCode !== null) throw new Error(`redis-cli monitor exited with code ${child.exitCode}`);
        return on;
      },
      { timeoutMs: 10_000, intervalMs: 20, what: 'redis-cli monitor to start' },
    );
  } catch (err) {
    stop();
    throw err;
  }
  return {
    seen: (marker, timeoutMs = 10_000) =>
      until(() => markers.has(marker), { timeoutMs, intervalMs: 20, what: `the monitor to see ${marker}` }).then(
        () => undefined,
      ),
    stop,
  };
}
