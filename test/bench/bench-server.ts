/**
 * The benchmarks' common frame: a fresh migrated and seeded database, the API started as its own process
 * (`node --import tsx src/main.ts` by default, NODE_ENV=development, LOG_LEVEL=warn, the tests' JWT key) on a free
 * loopback port, and everything removed again afterwards (process, Redis keys, database), whatever happens in between.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRedis } from '../../src/lib/redis.js';
import { loadConfig } from '../../src/config/index.js';
import { createTestDatabase } from '../support/database.js';
import { freePort, waitForHealth } from '../support/processes.js';
import { deleteKeysWithPrefix } from '../support/redis.js';

export interface BenchServer {
  base: string;
  /** The environment the server runs with (also fit for loadConfig, to build fixtures with the app's services). */
  env: NodeJS.ProcessEnv;
  pid: number;
}

/** The API from its sources, as the other benchmarks measure it. */
export const SOURCE_API_COMMAND: readonly string[] = ['--import', 'tsx', 'src/main.ts'];

/**
 * Runs `prepare` (fixtures, before the server starts) and then `bench` against the running server.
 * `overrides` are added to the server's environment; `command` is Node's arguments for the server.
 * `database`: an existing migrated database to run against instead of a fresh one (kept afterwards, fixtures too),
 * e.g. the one `npm run seed:bulk` filled.
 */
export async function withBenchServer<F>(
  overrides: NodeJS.ProcessEnv,
  prepare: (env: NodeJS.ProcessEnv) => Promise<F>,
  bench: (server: BenchServer, fixture: F) => Promise<void>,
  command: readonly string[] = SOURCE_API_COMMAND,
  database?: string,
): Promise<void> {
  const db = database ? { name: database, destroy: async () => undefined } : await createTestDatabase();
  if ('knex' in db) await db.knex.destroy();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_NAME: db.name,
    BARONG_REDIS_PREFIX: `bench:${db.name}:${port}:`,
    BARONG_DEV_KEY_PATH: '.dev/test-rsa-key.pem',
    ...overrides,
  };
  let server: ChildProcess | undefined;
  try {
    const fixture = await prepare(env);
    server = spawn(process.execPath, command, { stdio: ['ignore', 'inherit', 'inherit'], env });
    await waitForHealth(`${base}/healthz`, server);
    await bench({ base, env, pid: server.pid! }, fixture);
  } finally {
    if (server) await stopServer(server);
    const redis = createRedis(loadConfig(env).redis, 'bench-cleanup');
    try {
      await deleteKeysWithPrefix(redis, env.BARONG_REDIS_PREFIX!);
    } finally {
      redis.disconnect();
    }
    await db.destroy();
  }
}

async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  server.kill('SIGTERM');
  await new Promise((r) => (server.exitCode !== null ? r(null) : server.once('exit', r)));
}

/**
 * A second API process beside the bench's server, on the same database and Redis prefix, with `overrides` added
 * (e.g. metrics off): both answer the same fixture, so a scenario can be compared on the two.
 */
export async function startSiblingServer(
  server: BenchServer,
  overrides: NodeJS.ProcessEnv,
  command: readonly string[] = SOURCE_API_COMMAND,
): Promise<{ base: string; stop(): Promise<void> }> {
  const port = await freePort();
  const env = { ...server.env, PORT: String(port), ...overrides };
  const child = spawn(process.execPath, command, { stdio: ['ignore', 'inherit', 'inherit'], env });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(`${base}/healthz`, child);
  } catch (err) {
    await stopServer(child);
    throw err;
  }
  return { base, stop: () => stopServer(child) };
}

/** Runs a benchmark's main and exits with its outcome. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err instanceof Error ? err.stack : err);
      process.exit(1);
    },
  );
}
