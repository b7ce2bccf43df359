// For knex's own CLI: node --import tsx node_modules/knex/bin/cli.js <command> --knexfile knexfile.ts
// (plain `npx knex` cannot load a .ts knexfile). Prefer `tsx src/db/cli.ts`, which also creates the database.
import { loadConfig } from './src/config/index.js';
import { knexConfig } from './src/db/knex-config.js';

export default knexConfig(loadConfig().database);
