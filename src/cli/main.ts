/** The operators' CLI: `npm run cli -- <command>`; `npm run cli -- --help` lists the commands. */
import { loadConfig } from '../config/index.js';
import { runCli } from './program.js';
import { processEnv } from './runtime.js';

process.exitCode = await runCli(
  process.argv.slice(2),
  processEnv(() => loadConfig()),
);
