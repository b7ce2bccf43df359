/**
 * A second API process, as far as the authorization policy goes: `node --import tsx test/support/authz-policy-probe.ts`
 * with the same database and Redis settings (DATABASE_NAME, BARONG_REDIS_PREFIX, BARONG_MAXMINDDB_PATH …) as the
 * test's app. It builds the policy the way the composition root does (startAuthzPolicy), prints `ready`, then
 * answers one JSON line per request line on stdin:
 *   restriction <ip> <path>            → the RestrictionDenial, or null
 *   permission <role> <method> <path>  → the PermissionDecision
 *   generation                         → how many policy loads completed
 *   quit                               → closes everything and exits 0
 */
import { createInterface } from 'node:readline';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/lib/logger.js';
import { createKnex } from '../../src/db/knex.js';
import { createRedis, RedisKeys } from '../../src/lib/redis.js';
import { repositories } from '../../src/db/repositories/index.js';
import { GeoIp } from '../../src/domain/authz/geoip.js';
import { startAuthzPolicy } from '../../src/domain/authz/start-authz-policy.js';
import { restrictedKindOf } from '../../src/domain/authz/restrictions.js';
import { canonicalUpstreamPath } from '../../src/domain/authz/upstream-path.js';

const config = loadConfig(process.env);
const logger = createLogger('silent');
const knex = createKnex(config.database);
const redis = createRedis(config.redis, 'barong-authz-probe');
const geoip = await GeoIp.open(config.geoip, logger);
const { policy, invalidation } = await startAuthzPolicy({
  repos: () => repositories(knex),
  redis,
  keys: new RedisKeys(config.redisPrefix),
  geo: geoip,
  logger,
  refreshSeconds: config.authzPolicy.refreshSeconds,
});

const answer = (value: unknown) => process.stdout.write(`${JSON.stringify(value ?? null)}\n`);
process.stdout.write('ready\n');

for await (const line of createInterface({ input: process.stdin })) {
  const [command, a = '', b = '', c = ''] = line.trim().split(/\s+/);
  if (command === 'restriction') answer(policy.restrictionFor(a, restrictedKindOf(canonicalUpstreamPath(b)!)));
  else if (command === 'permission') answer(policy.permissionFor(a, b, c));
  else if (command === 'generation') answer(policy.generation);
  else if (command === 'quit') break;
  else answer({ error: `unknown command ${command}` });
}

await invalidation.close();
geoip.close();
await Promise.allSettled([redis.quit(), knex.destroy()]);
