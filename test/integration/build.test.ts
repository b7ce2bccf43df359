/**
 * The compiled build: `npm run build` into a throw-away directory, the compiled database CLI migrating and seeding
 * an empty database, and the API started the way `npm run start:api` starts it, with plain Node. It must answer
 * /healthz and contract operations that read the copied files (the contract, package.json), and carry no
 * TypeScript loader: its command line (execArgv included) names none and it has no NODE_OPTIONS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
import knex from 'knex';
import { createRedis } from '../../src/lib/redis.js';
import { loadConfig } from '../../src/config/index.js';
import { dropDatabase } from '../../src/db/create-database.js';
import { knexConfig, migrationSource } from '../../src/db/knex-config.js';
import { testDatabaseConfig } from '../support/database.js';
import { freePort, waitForHealth } from '../support/processes.js';
import { deleteKeysWithPrefix } from '../support/redis.js';

const run = promisify(execFile);
const scripts: Record<string, string> = JSON.parse(readFileSync('package.json', 'utf8')).scripts;
const outDir = `.dev/build-test-${randomBytes(4).toString('hex')}`;
const database = testDatabaseConfig();
const { NODE_OPTIONS: _inherited, ...parentEnv } = process.env;
const env: NodeJS.ProcessEnv = {
  ...parentEnv,
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  HOST: '127.0.0.1',
  DATABASE_NAME: database.name,
  BARONG_REDIS_PREFIX: `barong_test:${database.name}:`,
  BARONG_DEV_KEY_PATH: '.dev/test-rsa-key.pem',
};
let server: ChildProcess | undefined;
let base = '';

/** `node dist/…` from package.json, pointed at this test's output directory. */
function compiledCommand(script: string): string[] {
  const words = scripts[script]!.split(' ');
  expect(words[0]).toBe('node');
  return words.slice(1).map((w) => w.replace(/^dist\//, `${outDir}/`));
}

beforeAll(async () => {
  await run('npm', ['run', 'build', '--', outDir], { env: parentEnv });
  const cli = `${outDir}/src/db/cli.js`;
  await run(process.execPath, [cli, 'migrate'], { env });
  await run(process.execPath, [cli, 'seed'], { env });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, compiledCommand('start:api'), {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...env, PORT: String(port) },
  });
  await waitForHealth(`${base}/healthz`, server, 30);
}, 180_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  const redis = createRedis(loadConfig(env).redis);
  await deleteKeysWithPrefix(redis, env.BARONG_REDIS_PREFIX!).finally(() => redis.disconnect());
  await dropDatabase(database);
  rmSync(outDir, { recursive: true, force: true });
}, 60_000);

describe('the compiled build', () => {
  it('starts, npm start included, on plain Node from dist/', () => {
    for (const script of ['start', 'start:api', 'start:worker']) {
      expect(scripts[script]).toMatch(/^node dist\/\S+\.js\b/);
      expect(scripts[script]).not.toMatch(/tsx|--import|--loader/);
      expect(scripts[`pre${script}`]).toBe('npm run build');
    }
  });

  it('answers /healthz and contract operations', async () => {
    const health = await fetch(`${base}/healthz`);
    expect({ status: health.status, body: await health.json() }).toEqual({ status: 200, body: { status: 'ok' } });
    const ping = await fetch(`${base}/api/v2/barong/public/ping`);
    expect({ status: ping.status, body: await ping.json() }).toEqual({ status: 200, body: { ping: 'pong' } });
    const version = await fetch(`${base}/api/v2/barong/identity/version`);
    expect(version.status).toBe(200);
    expect(await version.json()).toMatchObject({ version: JSON.parse(readFileSync('package.json', 'utf8')).version });
  });

  it('runs without a TypeScript loader', () => {
    const pid = server!.pid!;
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    expect(argv.slice(1)).toEqual(compiledCommand('start:api'));
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    expect(environ.filter((v) => v.startsWith('NODE_OPTIONS='))).toEqual([]);
  });

  it('records migrations under the names the sources use, so either can migrate the same database', async () => {
    const db = knex(knexConfig(database));
    try {
      const [done, pending] = (await db.migrate.list({ migrationSource })) as [{ name: string }[], unknown[]];
      expect(pending).toEqual([]);
      expect(done.map((m) => m.name)).toEqual(
        await Promise.all((await migrationSource.getMigrations([])).map((f) => migrationSource.getMigrationName(f))),
      );
      expect(done.every((m) => m.name.endsWith('.ts'))).toBe(true);
    } finally {
      await db.destroy();
    }
  });
});
