/**
 * Sessions live in Redis, as Barong's do: the cookie holds a random 256-bit id; Redis holds, under the id's
 * SHA-256, the uid, client IP, user agent, CSRF token and login time, with a sliding TTL of
 * BARONG_SESSION_EXPIRE_TIME that never reaches past BARONG_SESSION_MAX_LIFETIME after the login (Barong has no
 * such limit: a busy session lived for ever). The key's TTL is the session's expiry (so sliding is one EXPIRE,
 * which the gateway authorizer folds into its single round trip); `expireTime` is derived from it. Every reader
 * also checks the login time against the maximum, so a session another process made (a lagging clock, an older
 * setting) ends on time too. A per-user set indexes the sessions so a user can be logged out everywhere; it
 * expires with the longest session. Reading a session is one Redis round trip. Both keys carry the gateway's hash
 * tag (RedisKeys.tagged), so the transactions over a session and its index, and the authorizer's script that reads
 * a session with its user's record, work on a Redis Cluster.
 */
import { createHash, randomBytes } from 'node:crypto';
import { scanKeys, type RedisClient, type RedisKeys } from '../../lib/redis.js';

/** How far short of a full slide a session's expiry may stay (at most a tenth of the idle expiry): see touch. */
export const SLIDE_SLACK_SECONDS = 60;

export interface SessionData {
  uid: string;
  userIp: string;
  userAgent: string;
  csrfToken: string;
  /** Unix seconds after which the session is void unless used again (the Redis key's TTL). */
  expireTime: number;
  /** Unix seconds of the login: the session ends BARONG_SESSION_MAX_LIFETIME later, used or not. */
  createdAt: number;
}

export interface SessionLifetimes {
  /** Sliding: seconds without use before the session ends. */
  idleSeconds: number;
  /** Absolute: seconds after the login before it ends. */
  maxSeconds: number;
}

/** What Redis holds; the expiry is the key's TTL. */
type StoredSession = Omit<SessionData, 'expireTime'>;

export interface Session extends SessionData {
  id: string;
}

const digest = (id: string) => createHash('sha256').update(id).digest('hex');
const nowSeconds = () => Math.floor(Date.now() / 1000);

export class SessionStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    readonly lifetimes: SessionLifetimes,
  ) {}

  async create(uid: string, userIp: string, userAgent: string): Promise<Session> {
    const id = randomBytes(32).toString('hex');
    const createdAt = nowSeconds();
    const ttl = this.slideSeconds(createdAt);
    const session: Session = {
      id,
      uid,
      userIp,
      userAgent,
      csrfToken: randomBytes(16).toString('hex'),
      createdAt,
      expireTime: createdAt + ttl,
    };
    const hash = digest(id);
    await this.redis
      .multi()
      .set(this.sessionKey(hash), JSON.stringify(this.dataOf(session)), 'EX', ttl)
      .sadd(this.userKey(uid), hash)
      // Every session in the set ends within maxSeconds of the newest login, so the set outlives them, then goes.
      .expire(this.userKey(uid), this.lifetimes.maxSeconds)
      .exec();
    return session;
  }

  async get(id: string | undefined): Promise<Session | undefined> {
    const key = this.storageKey(id);
    if (!key) return undefined;
    const [[getError, raw], [, pttl]] = (await this.redis.pipeline().get(key).pttl(key).exec()) as [
      [Error | null, string | null],
      [Error | null, number],
    ];
    if (getError) throw getError;
    const session = raw ? this.parse(id!, raw) : undefined;
    if (!session) return undefined;
    if (this.slideSeconds(session.createdAt) <= 0) {
      await this.destroy(session);
      return undefined;
    }
    return pttl > 0 ? { ...session, expireTime: Math.floor((Date.now() + pttl) / 1000) } : session;
  }

  /** The Redis key of a session id; undefined for anything that cannot be one (gateway authorizer). */
  storageKey(id: string | undefined): string | undefined {
    return id && /^[0-9a-f]{64}$/.test(id) ? this.sessionKey(digest(id)) : undefined;
  }

  /**
   * A session from what Redis holds under storageKey(id), its expiry as sliding it now gives; undefined when
   * unreadable. One without a login time (made before sessions had a maximum) reads as past its maximum.
   */
  parse(id: string, raw: string): Session | undefined {
    try {
      const { uid, userIp, userAgent, csrfToken, createdAt: stored } = JSON.parse(raw) as StoredSession;
      if (typeof uid !== 'string') return undefined;
      const createdAt = typeof stored === 'number' ? stored : 0;
      const expireTime = nowSeconds() + Math.max(0, this.slideSeconds(createdAt));
      return { id, uid, userIp, userAgent, csrfToken, createdAt, expireTime };
    } catch {
      return undefined;
    }
  }

  /** Seconds a use now extends the session by: the idle expiry, capped by what is left of its lifetime (≤ 0: over). */
  slideSeconds(createdAt: number): number {
    return Math.min(this.lifetimes.idleSeconds, createdAt + this.lifetimes.maxSeconds - nowSeconds());
  }

  /**
   * Slides the expiry forward; returns the refreshed session. Only an existing entry is extended (EXPIRE): a
   * request still in flight while the session is destroyed (logout, password change) must not bring it back
   * outside the per-user index.
   */
  async touch(session: Session): Promise<Session> {
    const ttl = Math.max(0, this.slideSeconds(session.createdAt));
    const slid = nowSeconds() + ttl;
    // A session slid moments ago (its expiry, from the key's TTL, at most SLIDE_SLACK short of where a slide would
    // put it) is left as it is: a busy client would otherwise cost a Redis write per request for seconds of expiry.
    // A slide that would shorten the expiry (the lifetime's cap) always happens.
    const gain = slid - session.expireTime;
    if (gain >= 0 && gain <= Math.min(SLIDE_SLACK_SECONDS, this.lifetimes.idleSeconds / 10)) return session;
    // A missing key stays missing; one at the end of its lifetime is left to the TTL it has, which ends it then.
    if (ttl > 0) await this.redis.expire(this.sessionKey(digest(session.id)), ttl);
    return { ...session, expireTime: slid };
  }

  async destroy(session: Pick<Session, 'id' | 'uid'>): Promise<void> {
    const hash = digest(session.id);
    await this.redis.multi().del(this.sessionKey(hash)).srem(this.userKey(session.uid), hash).exec();
  }

  /** Ends every session of a user, but the one given (the caller's own, when it should survive). */
  async destroyAllOf(uid: string, except?: string): Promise<void> {
    const keep = except ? digest(except) : undefined;
    const hashes = (await this.redis.smembers(this.userKey(uid))).filter((h) => h !== keep);
    if (!hashes.length) return;
    await this.redis
      .multi()
      .del(...hashes.map((h) => this.sessionKey(h)))
      .srem(this.userKey(uid), ...hashes)
      .exec();
  }

  /**
   * Ends every session of every user (a blocklogin restriction comes into force, as in Barong). SCAN, never
   * KEYS, so Redis keeps serving while it walks (every master of a cluster); the keys of one batch share the gateway's
   * slot, so one UNLINK takes them. Resolves to the number of sessions removed.
   */
  async destroyAll(): Promise<number> {
    let removed = 0;
    for (const kind of ['session', 'user_sessions']) {
      const match = `${this.keys.tagged('gateway', kind).replace(/[*?[\]\\]/g, '\\$&')}:*`;
      for await (const keys of scanKeys(this.redis, match)) {
        const n = await this.redis.unlink(...keys);
        if (kind === 'session') removed += n;
      }
    }
    return removed;
  }

  private dataOf(s: Session): StoredSession {
    return { uid: s.uid, userIp: s.userIp, userAgent: s.userAgent, csrfToken: s.csrfToken, createdAt: s.createdAt };
  }

  private sessionKey(hash: string): string {
    return this.keys.tagged('gateway', 'session', hash);
  }

  private userKey(uid: string): string {
    return this.keys.tagged('gateway', 'user_sessions', uid);
  }
}
