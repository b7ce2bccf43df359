/**
 * `npm run import:demo`: `import barong` at scale, as an operator runs it. Generates a Barong 2.6 database with
 * IMPORT_DEMO_USERS users (default 3000; profiles, phones, documents with their files, API keys in a Vault stand-in,
 * activities …; test/support/barong-fixture.ts), migrates an empty target database, then runs
 * `npm run cli -- import barong` in a child process twice: the import, and a second run that must change nothing.
 * Prints each run's report and time; exits 1 when a run fails or the second one writes anything. Everything it
 * made (databases, files, the stand-in) is removed at the end.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { testEnvironment } from '../support/app.js';
import { createBarongSource, CRC32_SALT, SECRET_KEY_BASE } from '../support/barong-fixture.js';
import { createTestDatabase } from '../support/database.js';
import { startVaultStandIn } from '../support/vault-stand-in.js';

const USERS = Number(process.env.IMPORT_DEMO_USERS ?? 3000);

async function main(): Promise<number> {
  const dir = await mkdtemp(path.join(tmpdir(), 'barong-import-demo-'));
  const vault = await startVaultStandIn();
  const started = Date.now();
  const source = await createBarongSource({ users: USERS, vault, uploadsDir: path.join(dir, 'uploads') });
  console.log(`generated a Barong database of ${USERS} users in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
  console.log(
    `  ${Object.entries(source.counts)
      .map(([t, n]) => `${t} ${n}`)
      .join(', ')}`,
  );
  const target = await createTestDatabase();
  try {
    for (const table of ['levels', 'permissions']) await target.knex(table).delete();
    await writeFile(path.join(dir, 'secret_key_base'), SECRET_KEY_BASE);
    await writeFile(path.join(dir, 'crc32_salt'), CRC32_SALT);
    const args = [
      'run',
      '-s',
      'cli',
      '--',
      'import',
      'barong',
      '--from',
      source.url,
      '--secret-key-base-file',
      path.join(dir, 'secret_key_base'),
      '--crc32-salt-file',
      path.join(dir, 'crc32_salt'),
      '--vault-addr',
      vault.url,
      '--uploads',
      path.join(dir, 'uploads'),
    ];
    const env = {
      ...process.env,
      ...testEnvironment(target.name),
      VAULT_TOKEN: vault.token,
      BARONG_STORAGE_LOCAL_PATH: path.join(dir, 'ours'),
    };
    let failed = false;
    for (const run of ['import', 'second run']) {
      const t0 = Date.now();
      const result = await promisify(execFile)('npm', args, { env, maxBuffer: 64 * 1024 * 1024 }).catch(
        (err: { stdout?: string; stderr?: string; code?: number }) => {
          failed = true;
          return { stdout: err.stdout ?? '', stderr: err.stderr ?? `exit ${err.code}` };
        },
      );
      console.log(`\n${run}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      console.log(
        result.stdout
          .split('\n')
          .filter((l) => !l.startsWith('  note'))
          .join('\n'),
      );
      if (result.stderr.includes('error:')) console.log(result.stderr);
      if (run === 'second run' && result.stdout.split('\n').some((l) => l.includes(' → ') && !l.includes('written 0,')))
        failed = true;
    }
    return failed ? 1 : 0;
  } finally {
    await target.destroy();
    await source.destroy();
    await vault.close();
    await rm(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
