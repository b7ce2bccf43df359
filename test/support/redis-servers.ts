/**
 * Real Redis topologies on spare loopback ports for tests: a Redis Cluster of masters (`redis-server
 * --cluster-enabled yes`, joined by `redis-cli --cluster create`) and a master watched by a Sentinel. Data
 * directories live under os.tmpdir(); `stop()` kills every process and removes them.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './processes.js';
import { until } from './wait.js';

const run = promisify(execFile);

/** One answer of `redis-cli -p port <args>`; undefined while the server does not answer. */
async function cli(port: number, ...args: string[]): Promise<string | undefined> {
  try {
    const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 5000 });
    return stdout;
  } catch {
    return undefined;
  }
}

interface Started {
  port: number;
  child: ChildProcess;
}

/** A redis-server (or Sentinel) with `args` after the common ones, answering PING before this resolves. */
async function startServer(dir: string, args: string[], label: string): Promise<Started> {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    [
      ...args,
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--logfile',
      join(dir, `${label}-${port}.log`),
    ],
    { stdio: 'ignore' },
  );
  await until(
    async () => {
      if (child.exitCode !== null) throw new Error(`${label} on port ${port} exited with code ${child.exitCode}`);
      return (await cli(port, 'PING'))?.trim() === 'PONG';
    },
    { timeoutMs: 15_000, intervalMs: 100, what: `${label} on port ${port} to answer` },
  );
  return { port, child };
}

async function stopAll(children: ChildProcess[], dir: string): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const force = setTimeout(() => child.kill('SIGKILL'), 5000);
          child.once('exit', () => {
            clearTimeout(force);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  rmSync(dir, { recursive: true, force: true });
}

export interface RedisTopology {
  /** `host:port,…` for REDIS_CLUSTER_NODES or REDIS_SENTINELS. */
  nodes: string;
  ports: number[];
  stop(): Promise<void>;
}

/** `masters` cluster masters, no replicas, every slot covered and `cluster_state:ok` on each node. */
export async function startRedisCluster(masters = 3): Promise<RedisTopology> {
  const dir = mkdtempSync(join(tmpdir(), 'barong-redis-cluster-'));
  const started: Started[] = [];
  try {
    for (let i = 0; i < masters; i++) {
      // The bus port is given, not derived (port + 10000 can be past 65535 for an ephemeral port).
      const busPort = await freePort();
      const conf = join(dir, `nodes-${i}.conf`);
      const args = ['--cluster-enabled', 'yes', '--cluster-config-file', conf, '--cluster-port', String(busPort)];
      started.push(await startServer(dir, args, `cluster-node-${i}`));
    }
    const addresses = started.map((s) => `127.0.0.1:${s.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], {
      timeout: 30_000,
    });
    for (const { port } of started) {
      await until(async () => (await cli(port, 'CLUSTER', 'INFO'))?.includes('cluster_state:ok'), {
        timeoutMs: 30_000,
        intervalMs: 200,
        what: `cluster node ${port} to report cluster_state:ok`,
      });
    }
    return {
      nodes: addresses.join(','),
      ports: started.map((s) => s.port),
      stop: () =>
        stopAll(
          started.map((s) => s.child),
          dir,
        ),
    };
  } catch (err) {
    await stopAll(
      started.map((s) => s.child),
      dir,
    );
    throw err;
  }
}

/** One master and one Sentinel watching it under `name` (quorum 1), the Sentinel already naming the master. */
export async function startRedisSentinel(name = 'barong-test'): Promise<RedisTopology & { masterPort: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'barong-redis-sentinel-'));
  const started: Started[] = [];
  try {
    const master = await startServer(dir, [], 'master');
    started.push(master);
    // A Sentinel rewrites its configuration file, so it needs one of its own (here, empty) and is told the rest.
    const sentinelConf = join(dir, 'sentinel.conf');
    await run('touch', [sentinelConf]);
    const sentinel = await startServer(
      dir,
      [sentinelConf, '--sentinel', '--sentinel', 'monitor', name, '127.0.0.1', String(master.port), '1'],
      'sentinel',
    );
    started.push(sentinel);
    await until(
      async () =>
        (await cli(sentinel.port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name))?.includes(String(master.port)),
      { timeoutMs: 15_000, intervalMs: 200, what: `the Sentinel to name master ${name}` },
    );
    return {
      nodes: `127.0.0.1:${sentinel.port}`,
      ports: [master.port, sentinel.port],
      masterPort: master.port,
      stop: () =>
        stopAll(
          started.map((s) => s.child),
          dir,
        ),
    };
  } catch (err) {
    await stopAll(
      started.map((s) => s.child),
      dir,
    );
    throw err;
  }
}
