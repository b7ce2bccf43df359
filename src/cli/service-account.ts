/**
 * Service accounts for operators, until the admin/management API (`POST /admin/service_accounts`) exists:
 *   tsx src/cli/service-account.ts create --owner <uid or e-mail> [--role R] [--email E]
 * The account takes the owner's state and level; its uid is printed alone on stdout (so `SA=$(…)` works). The owner
 * then manages its API keys through /resource/service_accounts/api_keys with their 2FA.
 * Exits 2 on a usage error, 1 when the owner is unknown or the configuration or database fails.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/index.js';
import { createLogger } from '../lib/logger.js';
import { createKnex } from '../db/knex.js';
import { EventDispatcher } from '../domain/events/event-dispatcher.js';
import { UnitOfWork } from '../domain/unit-of-work.js';
import { AppError } from '../errors/app-error.js';
import { ServiceAccountService } from '../domain/service-accounts/service-account-service.js';

const USAGE = 'usage: tsx src/cli/service-account.ts create --owner <uid or e-mail> [--role R] [--email E]\n';

interface Args {
  owner: string;
  role?: string;
  email?: string;
}

function parse(argv: string[]): Args | undefined {
  const options = { owner: { type: 'string' }, role: { type: 'string' }, email: { type: 'string' } } as const;
  try {
    const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options });
    if (positionals.length !== 1 || positionals[0] !== 'create' || !values.owner) return undefined;
    return { owner: values.owner, role: values.role, email: values.email };
  } catch {
    return undefined; // parseArgs throws on unknown options
  }
}

async function create(args: Args): Promise<string> {
  const config = loadConfig();
  const knex = createKnex(config.database);
  try {
    const uow = new UnitOfWork(knex, new EventDispatcher(createLogger('silent')));
    const users = uow.repos.users;
    const owner = args.owner.includes('@') ? await users.findByEmail(args.owner) : await users.findByUid(args.owner);
    if (!owner) throw new Error(`no user ${args.owner}`);
    const account = await new ServiceAccountService(uow).create(owner, { role: args.role, email: args.email });
    return account.uid;
  } finally {
    await knex.destroy();
  }
}

async function main(argv: string[]): Promise<number> {
  const args = parse(argv);
  if (!args) {
    process.stderr.write(USAGE);
    return 2;
  }
  try {
    process.stdout.write(`${await create(args)}\n`);
    return 0;
  } catch (err) {
    const message =
      err instanceof ConfigError
        ? `invalid configuration: ${err.problems.join('; ')}`
        : err instanceof AppError
          ? err.keys.join(', ')
          : String((err as Error)?.message ?? err);
    process.stderr.write(`service account create failed: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
