/**
 * The counters of an AttemptLimiter, each attempt one Redis round trip: a script spends the account's counters in
 * order and the IP's, another clears them after a success. Each counter is rate-limiter-flexible's (RateLimiterRedis)
 * fixed window, kept by the same steps: created at 0 with the window as its TTL, incremented, the TTL restored if it
 * was lost; so IpLimiter's counters and these behave alike.
 */
import type { RedisClient } from '../../lib/redis.js';

const SPEND = `
local function spend(key, points, window)
  redis.call('set', key, 0, 'EX', window, 'NX')
  local consumed = redis.call('incrby', key, points)
  local ttl = redis.call('pttl', key)
  if ttl == -1 then
    redis.call('expire', key, window)
    ttl = 1000 * window
  end
  return consumed, ttl
end`;

/**
 * KEYS: the account's counters, most specific first, then the IP's. ARGV: per-account and per-IP points, window
 * seconds. An account counter is spent only if the ones before it let the attempt through; the IP's always is.
 * Returns 0 when every counter allowed the attempt, else the ms until the last refusing counter's window ends.
 */
const TAKE = `${SPEND}
local window = tonumber(ARGV[3])
local wait = 0
for i = 1, #KEYS - 1 do
  local consumed, ttl = spend(KEYS[i], 1, window)
  if consumed > tonumber(ARGV[1]) then
    wait = math.max(ttl, 1)
    break
  end
end
local consumed, ttl = spend(KEYS[#KEYS], 1, window)
if consumed > tonumber(ARGV[2]) then wait = math.max(wait, ttl, 1) end
return wait`;

/** KEYS as TAKE's; ARGV: window seconds. Forgets the account's counters and gives the IP its point back. */
const SUCCEED = `${SPEND}
for i = 1, #KEYS - 1 do redis.call('del', KEYS[i]) end
spend(KEYS[#KEYS], -1, tonumber(ARGV[1]))
return 0`;

interface Scripts {
  barongAttemptTake(keyCount: number, ...keysAndArgs: (string | number)[]): Promise<number>;
  barongAttemptSucceed(keyCount: number, ...keysAndArgs: (string | number)[]): Promise<number>;
}

/** The shared client with both scripts defined (EVALSHA, loaded again when Redis lost its script cache). */
export function attemptScripts(redis: RedisClient): Scripts {
  redis.defineCommand('barongAttemptTake', { lua: TAKE });
  redis.defineCommand('barongAttemptSucceed', { lua: SUCCEED });
  return redis as unknown as Scripts;
}
