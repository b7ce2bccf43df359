/**
 * `npm run build [-- <outDir>]`: compiles src/ and jobs/ with tsc (src/build/tsconfig.json) into dist/ (or outDir),
 * then copies the files the compiled code reads beside itself through `import.meta.url`, so the output mirrors the
 * source tree and runs with plain Node: `node dist/jobs/main.js --with-api`, `node dist/src/main.js`.
 * outDir must lie inside the repository, where Node finds node_modules.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Where `npm run build` writes unless told otherwise (relative to the repository root). */
export const DEFAULT_OUT_DIR = 'dist';

/** Paths relative to the repository root; each lands at the same path under outDir. */
export const ASSETS: readonly string[] = [
  'package.json', // the version the API reports
  ...readdirSync(join(ROOT, 'openapi'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => `openapi/${f}`),
  'src/generated/barong.oas3.json',
  'src/domain/authz/authz-rules.yml',
  'jobs/mail/templates',
];

export function build(outDir: string): void {
  if (relative(ROOT, outDir).startsWith('..'))
    throw new Error(`${outDir} is outside ${ROOT}: Node would not find node_modules`);
  rmSync(outDir, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const compiled = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'src/build/tsconfig.json'), '--outDir', outDir], {
    stdio: 'inherit',
  });
  if (compiled.status !== 0) throw new Error(`tsc failed (exit ${compiled.status ?? compiled.signal})`);
  for (const asset of ASSETS) {
    const target = join(outDir, asset);
    mkdirSync(dirname(target), { recursive: true });
    cpSync(join(ROOT, asset), target, { recursive: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = resolve(ROOT, process.argv[2] ?? DEFAULT_OUT_DIR);
  try {
    build(outDir);
    console.log(`built ${relative(ROOT, outDir)}/ (compiled src/ and jobs/, ${ASSETS.length} assets)`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
