/**
 * The gateway authorizer's Redis scripts (authorizer-cache.ts): each lookup is one round trip, and a fill lands
 * only while the record's invalidation counter still holds the value read before the SQL read. The keys a script
 * reads without naming them in KEYS (a principal's record, found from the session or API key) share the slot of
 * those it names (the `{gateway}` hash tag), as a Redis Cluster requires.
 */
import type { RedisClient } from '../../lib/redis.js';

// KEYS[1] session; ARGV: idle seconds, maximum lifetime, now (unix seconds), principal key prefix, principal counter
// prefix → {session, principal, counter}. The slide never reaches past the session's maximum lifetime; a session
// past it (or without a login time) is deleted and reads as none, as SessionStore.get does.
const SESSION_LUA = `
local s = redis.call('GET', KEYS[1])
if not s then return {false, false, false} end
local ok, d = pcall(cjson.decode, s)
if not ok or type(d) ~= 'table' or type(d.uid) ~= 'string' then return {s, false, false} end
local left = (tonumber(d.createdAt) or 0) + tonumber(ARGV[2]) - tonumber(ARGV[3])
if left <= 0 then
  redis.call('DEL', KEYS[1])
  return {false, false, false}
end
redis.call('EXPIRE', KEYS[1], math.min(tonumber(ARGV[1]), left))
local p = redis.call('GET', ARGV[4] .. d.uid)
if p then return {s, p, false} end
return {s, false, redis.call('GET', ARGV[5] .. d.uid)}
`;

/** Stored under an unknown kid for a while, so asking again costs no SQL. */
export const UNKNOWN_KEY = 'unknown';

// KEYS[1] key record, KEYS[2] its counter, KEYS[3] the kid set, KEYS[4] its ready mark;
// ARGV: principal key prefix, principal counter prefix, the kid
// → {key record, key counter (on a miss), principal, principal counter (on a miss), kid set complete (on a miss)}
const API_KEY_LUA = `
local k = redis.call('GET', KEYS[1])
if not k then
  if redis.call('EXISTS', KEYS[4]) == 0 then return {false, redis.call('GET', KEYS[2]), false, false, 0} end
  if redis.call('SISMEMBER', KEYS[3], ARGV[3]) == 0 then return {'${UNKNOWN_KEY}', false, false, false, 1} end
  return {false, redis.call('GET', KEYS[2]), false, false, 1}
end
if k == '${UNKNOWN_KEY}' then return {k, false, false, false} end
local ok, d = pcall(cjson.decode, k)
if not ok or type(d) ~= 'table' or type(d.holderUid) ~= 'string' then return {false, redis.call('GET', KEYS[2]), false, false} end
local p = redis.call('GET', ARGV[1] .. d.holderUid)
if p then return {k, false, p, false} end
return {k, false, false, redis.call('GET', ARGV[2] .. d.holderUid)}
`;

// KEYS[1] record, KEYS[2] its counter; ARGV: the counter read before the SQL read ('' for none), value, ttl
const FILL_LUA = `
if (redis.call('GET', KEYS[2]) or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
`;

export type Script = (...args: (string | number)[]) => Promise<unknown>;

function defineScript(redis: RedisClient, name: string, numberOfKeys: number, lua: string): Script {
  redis.defineCommand(name, { numberOfKeys, lua });
  const command = (redis as unknown as Record<string, Script>)[name]!;
  return (...args) => command.apply(redis, args);
}

export interface AuthorizerScripts {
  session: Script;
  apiKey: Script;
  fill: Script;
}

export function defineAuthorizerScripts(redis: RedisClient): AuthorizerScripts {
  return {
    session: defineScript(redis, 'barongAuthzSession', 1, SESSION_LUA),
    apiKey: defineScript(redis, 'barongAuthzApiKey', 4, API_KEY_LUA),
    fill: defineScript(redis, 'barongAuthzFill', 2, FILL_LUA),
  };
}
