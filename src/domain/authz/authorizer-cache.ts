/**
 * What the gateway authorizer knows about a caller, kept in Redis so that a cookie check costs ONE round trip and
 * no SQL:
 *
 *   <prefix>authz:principal:<uid>          a user's or service account's JWT claims, id and 2FA flag (JSON)
 *   <prefix>authz:apikey:<kid>             an API key's algorithm, encrypted secret, state and holder (JSON), or
 *                                          `unknown` for a few seconds after a kid named no key
 *   <prefix>authz:gen:principal:<uid>, <prefix>authz:gen:apikey:<kid>   invalidation counters
 *   <prefix>authz:kids, <prefix>authz:kids:ready   every kid ever issued, and whether that set is complete
 *
 * A kid that names no key is answered from Redis alone: while the kid set is complete (`ready`), a kid outside it
 * is unknown without a SQL read, so a flood of random kids costs the database nothing; a kid remembered as unknown
 * costs nothing either. The set only grows (kids of deleted keys stay, and take the ordinary path). Keys made
 * through the services join it before their creator sees them (the API_KEY_CHANGED subscriber); the `ready` mark
 * expires after BARONG_AUTHZ_CLAIMS_TTL seconds, after which lookups read SQL again until one process has added
 * every kid of the table again — so a key written by hand in SQL works within the same bound as other changes.
 *
 * One Lua call reads a session, slides its TTL and reads its user's record; another reads an API key's record with
 * its holder's. A miss reads MariaDB once and fills the record. A change deletes the records and bumps their counter
 * (AuthorizerInvalidation, after the change committed), and a fill only lands while the counter still holds the value
 * read before the SQL read, so a fill racing an invalidation never stores stale data. Records also expire after
 * BARONG_AUTHZ_CLAIMS_TTL seconds: the bound on staleness for changes that announce nothing (SQL by hand).
 * The secret stays encrypted in Redis; it is decrypted in process (memoised by ciphertext).
 */
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../lib/redis.js';
import type { Logger } from '../../lib/logger.js';
import type { Repositories } from '../../db/repositories/index.js';
import type { User } from '../../db/repositories/users-repository.js';
import type { ServiceAccount } from '../../db/repositories/service-accounts-repository.js';
import type { KeyHolderType } from '../../db/repositories/api-keys-repository.js';
import type { Session, SessionStore } from '../sessions/session-store.js';
import { userClaims, type SessionClaims } from '../tokens/session-jwt.js';

export interface PrincipalRecord {
  kind: 'user' | 'service_account';
  /** users.id or service_accounts.id. */
  id: number;
  /** The JWT payload: the user's, or a service account's uid, email, role, level, state. */
  claims: SessionClaims;
  /** Users only: 2FA is on (a user's API keys need it). */
  otp: boolean;
}

export interface ApiKeyRecord {
  id: number;
  algorithm: string;
  secretEncrypted: string;
  state: string;
  holderType: KeyHolderType;
  holderId: number;
  holderUid: string;
}

/** A record and the exact string Redis holds: the string is the record's version (JWT reuse compares it). */
export interface Cached<T> {
  value: T;
  raw: string;
}

export function userPrincipal(user: User): PrincipalRecord {
  return { kind: 'user', id: user.id, claims: userClaims(user), otp: user.otp };
}

/** Barong's service-account payload: uid, email, role, level, state. */
export function serviceAccountPrincipal(account: ServiceAccount): PrincipalRecord {
  const { uid, email, role, level, state } = account;
  return { kind: 'service_account', id: account.id, claims: { uid, email, role, level, state }, otp: false };
}

const GEN_TTL_SECONDS = 24 * 3600;

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
const UNKNOWN_KEY = 'unknown';
const UNKNOWN_KEY_TTL_SECONDS = 10;

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

type Script = (...args: (string | number)[]) => Promise<unknown>;

function defineScript(redis: Redis, name: string, numberOfKeys: number, lua: string): Script {
  redis.defineCommand(name, { numberOfKeys, lua });
  const command = (redis as unknown as Record<string, Script>)[name]!;
  return (...args) => command.apply(redis, args);
}

function parse<T>(raw: string | null | undefined): Cached<T> | undefined {
  if (!raw) return undefined;
  try {
    return { value: JSON.parse(raw) as T, raw };
  } catch {
    return undefined;
  }
}

export interface SessionLookup {
  session?: Session;
  principal?: Cached<PrincipalRecord>;
}

export interface ApiKeyLookup {
  key?: Cached<ApiKeyRecord>;
  principal?: Cached<PrincipalRecord>;
}

export interface AuthorizerCacheDeps {
  redis: Redis;
  keys: RedisKeys;
  repos: () => Repositories;
  sessions: SessionStore;
  ttlSeconds: number;
  logger: Pick<Logger, 'info' | 'error'>;
}

const KID_PAGE = 5000;

export class AuthorizerCache {
  private readonly sessionScript: Script;
  private readonly apiKeyScript: Script;
  private readonly fillScript: Script;
  private readonly principalPrefix: string;
  private readonly principalGenPrefix: string;
  private readonly kidSet: string;
  private readonly kidSetReady: string;
  private kidSetFilling?: Promise<void>;

  constructor(private readonly d: AuthorizerCacheDeps) {
    this.sessionScript = defineScript(d.redis, 'barongAuthzSession', 1, SESSION_LUA);
    this.apiKeyScript = defineScript(d.redis, 'barongAuthzApiKey', 4, API_KEY_LUA);
    this.fillScript = defineScript(d.redis, 'barongAuthzFill', 2, FILL_LUA);
    this.principalPrefix = d.keys.key('authz', 'principal', '');
    this.principalGenPrefix = d.keys.key('authz', 'gen', 'principal', '');
    this.kidSet = d.keys.key('authz', 'kids');
    this.kidSetReady = d.keys.key('authz', 'kids', 'ready');
  }

  /**
   * The session behind a cookie, its expiry slid (Barong slides before checking the user), and its
   * user's record: one round trip when the record is cached; on a miss one SQL read more.
   */
  async session(id: string | undefined): Promise<SessionLookup> {
    const key = this.d.sessions.storageKey(id);
    if (!key) return {};
    const { idleSeconds, maxSeconds } = this.d.sessions.lifetimes;
    const now = Math.floor(Date.now() / 1000);
    const found = await this.sessionScript(key, idleSeconds, maxSeconds, now, this.principalPrefix, this.principalGenPrefix);
    const [raw, principalRaw, gen] = found as (string | null)[];
    const session = raw ? this.d.sessions.parse(id!, raw) : undefined;
    if (!session) return {};
    const principal =
      parse<PrincipalRecord>(principalRaw) ?? (await this.fill(session.uid, gen ?? '', () => this.d.repos().users.findByUid(session.uid)));
    return { session, principal };
  }

  /** An API key's record and its holder's: one round trip when both are cached. */
  async apiKey(kid: string): Promise<ApiKeyLookup> {
    const keyKey = this.apiKeyKey(kid);
    const [keyRaw, keyGen, principalRaw, principalGen, kidSetComplete] = (await this.apiKeyScript(
      keyKey,
      this.apiKeyGenKey(kid),
      this.kidSet,
      this.kidSetReady,
      this.principalPrefix,
      this.principalGenPrefix,
      kid,
    )) as (string | number | null)[] as (string | null)[];
    if (keyRaw === UNKNOWN_KEY) return {};
    if (Number(kidSetComplete) === 0) this.completeKidSet();
    const cached = parse<ApiKeyRecord>(keyRaw);
    const key = cached ?? (await this.fillApiKey(kid, keyGen ?? ''));
    if (!key) return {};
    const load = () => this.holder(key.value);
    let principal = parse<PrincipalRecord>(principalRaw);
    if (!principal && cached) principal = await this.fill(key.value.holderUid, principalGen ?? '', load);
    if (!principal && !cached) {
      // The holder's counter was not read with the key's (the holder was unknown): read it now, then fill.
      const [raw, gen] = await this.d.redis.mget(this.principalKey(key.value.holderUid), this.principalGenKey(key.value.holderUid));
      principal = parse<PrincipalRecord>(raw) ?? (await this.fill(key.value.holderUid, gen ?? '', load));
    }
    return { key, principal };
  }

  /**
   * Forgets a user, their service accounts and every API key of both (after `model.user.updated`: a level, state,
   * 2FA or data change; leaving `active` also deactivates the keys and moves the service accounts).
   */
  async invalidateOwner(uid: string): Promise<void> {
    const repos = this.d.repos();
    const user = await repos.users.findByUid(uid);
    const [accounts, kids] = user ? await Promise.all([repos.serviceAccounts.listByOwner(user.id), repos.apiKeys.kidsOfOwner(user.id)]) : [[], []];
    await this.invalidate([uid, ...accounts.map((a) => a.uid)], kids);
  }

  async invalidateApiKeys(kids: readonly string[]): Promise<void> {
    await this.invalidate([], kids);
  }

  /** Adds kids to the set of existing ones; a key's kid must be in it before anyone may use the key. */
  async registerKids(kids: readonly string[]): Promise<void> {
    if (kids.length) await this.d.redis.sadd(this.kidSet, ...kids);
  }

  /**
   * Adds every kid of the table to the set and marks it complete for BARONG_AUTHZ_CLAIMS_TTL seconds. One fill at a
   * time per process; several processes filling at once only add the same kids. Never throws (lookups read SQL
   * while the set is not complete).
   */
  completeKidSet(): Promise<void> {
    this.kidSetFilling ??= (async () => {
      try {
        let after = 0;
        for (;;) {
          const page = await this.d.repos().apiKeys.kidsAfter(after, KID_PAGE);
          if (!page.length) break;
          await this.registerKids(page.map((k) => k.kid));
          after = page[page.length - 1]!.id;
        }
        await this.d.redis.set(this.kidSetReady, String(Date.now()), 'EX', this.d.ttlSeconds);
      } catch (err) {
        this.d.logger.error({ err }, 'gateway authorizer: the set of API key ids could not be filled; unknown kids read SQL');
      } finally {
        this.kidSetFilling = undefined;
      }
    })();
    return this.kidSetFilling;
  }

  private async invalidate(uids: readonly string[], kids: readonly string[]): Promise<void> {
    if (!uids.length && !kids.length) return;
    const pipeline = this.d.redis.multi();
    const forget = (record: string, gen: string) => pipeline.del(record).incr(gen).expire(gen, GEN_TTL_SECONDS);
    for (const uid of uids) forget(this.principalKey(uid), this.principalGenKey(uid));
    for (const kid of kids) forget(this.apiKeyKey(kid), this.apiKeyGenKey(kid));
    await pipeline.exec();
  }

  private async fill(uid: string, gen: string, load: () => Promise<User | ServiceAccount | undefined>): Promise<Cached<PrincipalRecord> | undefined> {
    const row = await load();
    if (!row) return undefined;
    const value = 'otp' in row ? userPrincipal(row) : serviceAccountPrincipal(row);
    const raw = JSON.stringify(value);
    await this.fillScript(this.principalKey(uid), this.principalGenKey(uid), gen, raw, this.d.ttlSeconds);
    return { value, raw };
  }

  /** The key's record from SQL, stored under its kid; an unknown kid is stored too, for a short while. */
  private async fillApiKey(kid: string, gen: string): Promise<Cached<ApiKeyRecord> | undefined> {
    const repos = this.d.repos();
    const key = await repos.apiKeys.findAnyByKid(kid);
    const holderUid = !key
      ? null
      : key.holderType === 'User'
        ? await repos.users.uidOf(key.holderId)
        : ((await repos.serviceAccounts.findById(key.holderId))?.uid ?? null);
    if (!key || !holderUid) {
      // A key without its holder cannot sign anything either. A key created with this kid later drops the record.
      const ttl = Math.min(UNKNOWN_KEY_TTL_SECONDS, this.d.ttlSeconds);
      await this.fillScript(this.apiKeyKey(kid), this.apiKeyGenKey(kid), gen, UNKNOWN_KEY, ttl);
      return undefined;
    }
    const value: ApiKeyRecord = {
      id: key.id,
      algorithm: key.algorithm,
      secretEncrypted: key.secretEncrypted,
      state: key.state,
      holderType: key.holderType,
      holderId: key.holderId,
      holderUid,
    };
    const raw = JSON.stringify(value);
    await this.fillScript(this.apiKeyKey(kid), this.apiKeyGenKey(kid), gen, raw, this.d.ttlSeconds);
    return { value, raw };
  }

  private holder(key: ApiKeyRecord): Promise<User | ServiceAccount | undefined> {
    const repos = this.d.repos();
    return key.holderType === 'User' ? repos.users.findById(key.holderId) : repos.serviceAccounts.findById(key.holderId);
  }

  private principalKey(uid: string): string {
    return this.principalPrefix + uid;
  }

  private principalGenKey(uid: string): string {
    return this.principalGenPrefix + uid;
  }

  private apiKeyKey(kid: string): string {
    return this.d.keys.key('authz', 'apikey', kid);
  }

  private apiKeyGenKey(kid: string): string {
    return this.d.keys.key('authz', 'gen', 'apikey', kid);
  }
}
