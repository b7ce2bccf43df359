/**
 * `npm run test:contract`: starts the real server on a fresh, migrated and seeded database and runs Dredd
 * against the hand-edited Swagger 2.0 contract (openapi/barong.yaml), with test/contract/hooks.cjs.
 * The server runs with NODE_ENV=test, so it also validates each of its own responses against the contract.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createTestDatabase } from '../support/database.js';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, server: ChildProcess): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (server.exitCode !== null) throw new Error(`server exited with code ${server.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not answer ${url} within 15 s`);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<number> {
  const db = await createTestDatabase();
  await db.knex.destroy();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_NAME: db.name,
    BARONG_REDIS_PREFIX: `contract:${db.name}:`,
    BARONG_DEV_KEY_PATH: '.dev/test-rsa-key.pem',
  };
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { stdio: 'inherit', env });
  try {
    await waitForHealth(`${base}/healthz`, server);
    return await run(
      'node_modules/.bin/dredd',
      ['openapi/barong.yaml', base, '--hookfiles=test/contract/hooks.cjs', '--language=nodejs', '--loglevel=warning'],
      { ...env, DREDD_SERVER: base },
    );
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => (server.exitCode !== null ? r(null) : server.once('exit', r)));
    await db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
