/**
 * Sessions live in Redis (reference §7.1): the cookie holds a random 256-bit id; Redis holds, under the id's
 * SHA-256, the uid, client IP, user agent and CSRF token, with a sliding TTL of BARONG_SESSION_EXPIRE_TIME.
 * The key's TTL is the session's expiry (so sliding is one EXPIRE, which the gateway authorizer folds into its
 * single round trip); `expireTime` is derived from it. A per-user set indexes the sessions so a user can be
 * logged out everywhere. Reading a session is one Redis round trip.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../lib/redis.js';

export interface SessionData {
  uid: string;
  userIp: string;
  userAgent: string;
  csrfToken: string;
  /** Unix seconds after which the session is void unless used again (the Redis key's TTL). */
  expireTime: number;
}

/** What Redis holds; the expiry is the key's TTL. */
type StoredSession = Omit<SessionData, 'expireTime'>;

export interface Session extends SessionData {
  id: string;
}

const digest = (id: string) => createHash('sha256').update(id).digest('hex');

export class SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    readonly ttlSeconds: number,
  ) {}

  async create(uid: string, userIp: string, userAgent: string): Promise<Session> {
    const id = randomBytes(32).toString('hex');
    const session: Session = {
      id,
      uid,
      userIp,
      userAgent,
      csrfToken: randomBytes(16).toString('hex'),
      expireTime: this.nextExpiry(),
    };
    const hash = digest(id);
    await this.redis
      .multi()
      .set(this.sessionKey(hash), JSON.stringify(this.dataOf(session)), 'EX', this.ttlSeconds)
      .sadd(this.userKey(uid), hash)
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
    if (!raw) return undefined;
    return this.parse(id!, raw, Math.floor((Date.now() + (pttl > 0 ? pttl : this.ttlSeconds * 1000)) / 1000));
  }

  /** The Redis key of a session id; undefined for anything that cannot be one (gateway authorizer). */
  storageKey(id: string | undefined): string | undefined {
    return id && /^[0-9a-f]{64}$/.test(id) ? this.sessionKey(digest(id)) : undefined;
  }

  /** A session from what Redis holds under storageKey(id); undefined when unreadable. */
  parse(id: string, raw: string, expireTime: number): Session | undefined {
    try {
      const { uid, userIp, userAgent, csrfToken } = JSON.parse(raw) as StoredSession;
      return typeof uid === 'string' ? { id, uid, userIp, userAgent, csrfToken, expireTime } : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Slides the expiry forward; returns the refreshed session. Only an existing entry is extended (EXPIRE): a
   * request still in flight while the session is destroyed (logout, password change) must not bring it back
   * outside the per-user index.
   */
  async touch(session: Session): Promise<Session> {
    const refreshed = { ...session, expireTime: this.nextExpiry() };
    await this.redis.expire(this.sessionKey(digest(session.id)), this.ttlSeconds); // a missing key stays missing
    return refreshed;
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
   * Ends every session of every user (a blocklogin restriction comes into force, reference §6). SCAN, never
   * KEYS, so Redis keeps serving while it walks; resolves to the number of sessions removed.
   */
  async destroyAll(): Promise<number> {
    let removed = 0;
    for (const kind of ['session', 'user_sessions']) {
      const match = `${this.keys.key(kind).replace(/[*?[\]\\]/g, '\\$&')}:*`;
      for await (const batch of this.redis.scanStream({ match, count: 500 })) {
        const keys = batch as string[];
        if (!keys.length) continue;
        const n = await this.redis.unlink(...keys);
        if (kind === 'session') removed += n;
      }
    }
    return removed;
  }

  private nextExpiry(): number {
    return Math.floor(Date.now() / 1000) + this.ttlSeconds;
  }

  private dataOf(s: Session): StoredSession {
    return { uid: s.uid, userIp: s.userIp, userAgent: s.userAgent, csrfToken: s.csrfToken };
  }

  private sessionKey(hash: string): string {
    return this.keys.key('session', hash);
  }

  private userKey(uid: string): string {
    return this.keys.key('user_sessions', uid);
  }
}
