/**
 * What the gateway authorizer knows about a caller, kept in Redis so that a cookie check costs ONE round trip and
 * no SQL:
 *
 *   <prefix>{gateway}:authz:principal:<uid>   a user's or service account's JWT claims, id and 2FA flag (JSON)
 *   <prefix>{gateway}:authz:apikey:<kid>      an API key's algorithm, encrypted secret, state and holder (JSON), or
 *                                             `unknown` for a few seconds after a kid named no key
 *   <prefix>{gateway}:authz:gen:principal:<uid>, <prefix>{gateway}:authz:gen:apikey:<kid>   invalidation counters
 *   <prefix>{gateway}:authz:kids, <prefix>{gateway}:authz:kids:ready   every kid ever issued; is that set complete
 *
 * They share the sessions' hash tag (`{gateway}`, RedisKeys.tagged): a script may only touch keys of one slot on a
 * Redis Cluster, and the session script reads a session and then the record of whichever user it names.
 *
 * A kid that names no key is answered from Redis alone (authorizer-kid-set.ts); a kid remembered as unknown costs
 * nothing either.
 *
 * One Lua call reads a session, slides its TTL and reads its user's record; another reads an API key's record with
 * its holder's. A miss reads MariaDB once and fills the record. A change deletes the records and bumps their counter
 * (AuthorizerInvalidation, after the change committed), and a fill only lands while the counter still holds the value
 * read before the SQL read, so a fill racing an invalidation never stores stale data. Records also expire after
 * BARONG_AUTHZ_CLAIMS_TTL seconds: the bound on staleness for changes that announce nothing (SQL by hand).
 * The secret stays encrypted in Redis; it is decrypted in process (memoised by ciphertext).
 */
import type { RedisClient, RedisKeys } from '../../lib/redis.js';
import type { Logger } from '../../lib/logger.js';
import type { Repositories } from '../../db/repositories/index.js';
import type { User } from '../../db/repositories/users-repository.js';
import type { ServiceAccount } from '../../db/repositories/service-accounts-repository.js';
import type { Session, SessionStore } from '../sessions/session-store.js';
import {
  parseCached,
  serviceAccountPrincipal,
  userPrincipal,
  type ApiKeyRecord,
  type Cached,
  type PrincipalRecord,
} from './authorizer-records.js';
import { KidSet } from './authorizer-kid-set.js';
import { defineAuthorizerScripts, UNKNOWN_KEY, type AuthorizerScripts } from './authorizer-scripts.js';

const GEN_TTL_SECONDS = 24 * 3600;
const UNKNOWN_KEY_TTL_SECONDS = 10;

export interface SessionLookup {
  session?: Session;
  principal?: Cached<PrincipalRecord>;
}

export interface ApiKeyLookup {
  key?: Cached<ApiKeyRecord>;
  principal?: Cached<PrincipalRecord>;
}

export interface AuthorizerCacheDeps {
  redis: RedisClient;
  keys: RedisKeys;
  repos: () => Repositories;
  sessions: SessionStore;
  ttlSeconds: number;
  logger: Pick<Logger, 'info' | 'error'>;
}

export class AuthorizerCache {
  private readonly scripts: AuthorizerScripts;
  private readonly principalPrefix: string;
  private readonly principalGenPrefix: string;
  private readonly kids: KidSet;

  constructor(private readonly d: AuthorizerCacheDeps) {
    this.scripts = defineAuthorizerScripts(d.redis);
    this.principalPrefix = d.keys.tagged('gateway', 'authz', 'principal', '');
    this.principalGenPrefix = d.keys.tagged('gateway', 'authz', 'gen', 'principal', '');
    this.kids = new KidSet(d);
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
    const found = await this.scripts.session(
      key,
      idleSeconds,
      maxSeconds,
      now,
      this.principalPrefix,
      this.principalGenPrefix,
    );
    const [raw, principalRaw, gen] = found as (string | null)[];
    const session = raw ? this.d.sessions.parse(id!, raw) : undefined;
    if (!session) return {};
    const principal =
      parseCached<PrincipalRecord>(principalRaw) ??
      (await this.fill(session.uid, gen ?? '', () => this.d.repos().users.findByUid(session.uid)));
    return { session, principal };
  }

  /** An API key's record and its holder's: one round trip when both are cached. */
  async apiKey(kid: string): Promise<ApiKeyLookup> {
    const keyKey = this.apiKeyKey(kid);
    const [keyRaw, keyGen, principalRaw, principalGen, kidSetComplete] = (await this.scripts.apiKey(
      keyKey,
      this.apiKeyGenKey(kid),
      this.kids.setKey,
      this.kids.readyKey,
      this.principalPrefix,
      this.principalGenPrefix,
      kid,
    )) as (string | number | null)[] as (string | null)[];
    if (keyRaw === UNKNOWN_KEY) return {};
    if (Number(kidSetComplete) === 0) this.completeKidSet();
    const cached = parseCached<ApiKeyRecord>(keyRaw);
    const key = cached ?? (await this.fillApiKey(kid, keyGen ?? ''));
    if (!key) return {};
    const load = () => this.holder(key.value);
    let principal = parseCached<PrincipalRecord>(principalRaw);
    if (!principal && cached) principal = await this.fill(key.value.holderUid, principalGen ?? '', load);
    if (!principal && !cached) {
      // The holder's counter was not read with the key's (the holder was unknown): read it now, then fill.
      const [raw, gen] = await this.d.redis.mget(
        this.principalKey(key.value.holderUid),
        this.principalGenKey(key.value.holderUid),
      );
      principal = parseCached<PrincipalRecord>(raw) ?? (await this.fill(key.value.holderUid, gen ?? '', load));
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
    const [accounts, kids] = user
      ? await Promise.all([repos.serviceAccounts.listByOwner(user.id), repos.apiKeys.kidsOfOwner(user.id)])
      : [[], []];
    await this.invalidate([uid, ...accounts.map((a) => a.uid)], kids);
  }

  /** Forgets a service account and some of its keys (a new owner, level or state; keys deactivated with it). */
  async invalidateServiceAccount(uid: string, kids: readonly string[]): Promise<void> {
    await this.invalidate([uid], kids);
  }

  async invalidateApiKeys(kids: readonly string[]): Promise<void> {
    await this.invalidate([], kids);
  }

  /** Adds kids to the set of existing ones; a key's kid must be in it before anyone may use the key. */
  registerKids(kids: readonly string[]): Promise<void> {
    return this.kids.register(kids);
  }

  /** Fills the set of existing kids from the table; never throws (lookups read SQL while it is not complete). */
  completeKidSet(): Promise<void> {
    return this.kids.complete();
  }

  private async invalidate(uids: readonly string[], kids: readonly string[]): Promise<void> {
    if (!uids.length && !kids.length) return;
    const pipeline = this.d.redis.multi();
    const forget = (record: string, gen: string) => pipeline.del(record).incr(gen).expire(gen, GEN_TTL_SECONDS);
    for (const uid of uids) forget(this.principalKey(uid), this.principalGenKey(uid));
    for (const kid of kids) forget(this.apiKeyKey(kid), this.apiKeyGenKey(kid));
    await pipeline.exec();
  }

  private async fill(
    uid: string,
    gen: string,
    load: () => Promise<User | ServiceAccount | undefined>,
  ): Promise<Cached<PrincipalRecord> | undefined> {
    const row = await load();
    if (!row) return undefined;
    const value = 'otp' in row ? userPrincipal(row) : serviceAccountPrincipal(row);
    const raw = JSON.stringify(value);
    await this.scripts.fill(this.principalKey(uid), this.principalGenKey(uid), gen, raw, this.d.ttlSeconds);
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
      await this.scripts.fill(this.apiKeyKey(kid), this.apiKeyGenKey(kid), gen, UNKNOWN_KEY, ttl);
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
    await this.scripts.fill(this.apiKeyKey(kid), this.apiKeyGenKey(kid), gen, raw, this.d.ttlSeconds);
    return { value, raw };
  }

  private holder(key: ApiKeyRecord): Promise<User | ServiceAccount | undefined> {
    const repos = this.d.repos();
    return key.holderType === 'User'
      ? repos.users.findById(key.holderId)
      : repos.serviceAccounts.findById(key.holderId);
  }

  private principalKey(uid: string): string {
    return this.principalPrefix + uid;
  }

  private principalGenKey(uid: string): string {
    return this.principalGenPrefix + uid;
  }

  private apiKeyKey(kid: string): string {
    return this.d.keys.tagged('gateway', 'authz', 'apikey', kid);
  }

  private apiKeyGenKey(kid: string): string {
    return this.d.keys.tagged('gateway', 'authz', 'gen', 'apikey', kid);
  }
}
