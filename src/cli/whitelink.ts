/**
 * Whitelink tokens for operators from the shell (the admin API's `POST /admin/restrictions/whitelink` issues them
 * over HTTP):
 *   tsx src/cli/whitelink.ts issue [--hours N]     (default 1; fractions allowed, e.g. 0.25)
 * Prints the token alone on stdout (so `TOKEN=$(…)` works) and its lifetime on stderr. Whoever sends it to
 * POST /api/v2/barong/identity/users/access while it lives gets their IP whitelisted.
 * Exits 2 on a usage error, 1 when the configuration or Redis fails.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/index.js';
import { createLogger } from '../lib/logger.js';
import { createRedis, RedisKeys } from '../lib/redis.js';
import { createKnex } from '../db/knex.js';
import { EventDispatcher } from '../domain/events/event-dispatcher.js';
import { UnitOfWork } from '../domain/unit-of-work.js';
import { WhitelinkService } from '../domain/authz/whitelink-service.js';

const USAGE = 'usage: tsx src/cli/whitelink.ts issue [--hours N]\n';

function ttlFrom(argv: string[]): number | undefined {
  const options = { hours: { type: 'string', default: '1' } } as const;
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options });
  const hours = Number(values.hours);
  if (positionals.length !== 1 || positionals[0] !== 'issue' || !Number.isFinite(hours) || hours <= 0) return undefined;
  return Math.max(1, Math.round(hours * 3600));
}

async function issue(ttlSeconds: number): Promise<string> {
  const config = loadConfig();
  const logger = createLogger('silent');
  const redis = createRedis(config.redisUrl, 'barong-cli');
  const knex = createKnex(config.database); // lazy: issuing never touches the database
  try {
    const uow = new UnitOfWork(knex, new EventDispatcher(logger));
    const service = new WhitelinkService(redis, new RedisKeys(config.redisPrefix), uow, logger);
    return await service.issue(ttlSeconds);
  } finally {
    await Promise.allSettled([redis.quit(), knex.destroy()]);
  }
}

async function main(argv: string[]): Promise<number> {
  let ttlSeconds: number | undefined;
  try {
    ttlSeconds = ttlFrom(argv);
  } catch {
    ttlSeconds = undefined; // parseArgs throws on unknown options
  }
  if (ttlSeconds === undefined) {
    process.stderr.write(USAGE);
    return 2;
  }
  try {
    const token = await issue(ttlSeconds);
    process.stdout.write(`${token}\n`);
    const until = new Date(Date.now() + ttlSeconds * 1000).toISOString();
    process.stderr.write(`whitelink token valid for ${ttlSeconds} s, until ${until}\n`);
    return 0;
  } catch (err) {
    const message =
      err instanceof ConfigError ? `invalid configuration: ${err.problems.join('; ')}` : String((err as Error)?.message ?? err);
    process.stderr.write(`whitelink issue failed: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
