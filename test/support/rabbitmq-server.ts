/**
 * A RabbitMQ node of a test's own (test/faults/), beside the machine's: node `drill-<port>@localhost` on a spare
 * loopback AMQP port and its own distribution port (epmd is shared, the node name keeps them apart), every file
 * (Mnesia, logs, plugins list, feature flags, PID file) in a directory under os.tmpdir(). Debian's rabbitmq-server
 * runs the node as the `rabbitmq` user when started by root, so the directory is opened to it. A drill can kill the
 * node and start it again on the same directory and ports; `destroy()` kills it and removes the directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './processes.js';
import { until } from './wait.js';

export interface RabbitmqServer {
  port: number;
  url: string;
  /** Kills the node (SIGKILL unless told) and waits until its port is closed. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same directory and ports; resolves once the AMQP port accepts connections. */
  start(): Promise<void>;
  destroy(): Promise<void>;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startRabbitmqServer(): Promise<RabbitmqServer> {
  const dir = mkdtempSync(join(tmpdir(), 'barong-rabbitmq-'));
  chmodSync(dir, 0o777);
  const port = await freePort();
  const distPort = await freePort();
  const pidFile = join(dir, 'rabbitmq.pid');
  const env = {
    ...process.env,
    PATH: `${process.env.PATH ?? ''}:/usr/sbin`,
    HOME: dir,
    RABBITMQ_NODENAME: `drill-${port}@localhost`,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_ENABLED_PLUGINS: '',
    RABBITMQ_FEATURE_FLAGS_FILE: join(dir, 'feature_flags'),
    RABBITMQ_PLUGINS_EXPAND_DIR: join(dir, 'plugins-expand'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
    RABBITMQ_PID_FILE: pidFile,
  };
  let child: ChildProcess | undefined;

  const start = async () => {
    if (child && child.exitCode === null && child.signalCode === null) return;
    rmSync(pidFile, { force: true });
    const node = spawn('rabbitmq-server', [], { env, cwd: dir, stdio: 'ignore' });
    child = node;
    await until(
      async () => {
        if (node.exitCode !== null) throw new Error(`rabbitmq-server on port ${port} exited (see ${dir}/log)`);
        return accepts(port);
      },
      { timeoutMs: 120_000, intervalMs: 250, what: `RabbitMQ on port ${port} to accept connections` },
    );
  };

  const stop = async (signal: NodeJS.Signals = 'SIGKILL') => {
    // The script runs the Erlang VM as another process (through su); the PID file names the VM.
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      try {
        if (pid > 0) process.kill(pid, signal);
      } catch {
        // Already gone.
      }
    }
    if (child && child.exitCode === null && child.signalCode === null) {
      const script = child;
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => script.kill('SIGKILL'), 30_000);
        script.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
      });
    }
    await until(async () => !(await accepts(port)), { timeoutMs: 30_000, what: `port ${port} to close` });
  };

  try {
    await start();
  } catch (err) {
    await stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    port,
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    stop,
    start,
    async destroy() {
      await stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
