/**
 * Sessions live in Redis (reference §7.1): the cookie holds a random 256-bit id; Redis holds, under the id's
 * SHA-256, the uid, client IP, user agent, CSRF token and expiry, with a sliding TTL of
 * BARONG_SESSION_EXPIRE_TIME. A per-user set indexes them so a user can be logged out everywhere.
 * Reading a session is one Redis round trip.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisKeys } from '../../lib/redis.js';

export interface SessionData {
  uid: string;
  userIp: string;
  userAgent: string;
  csrfToken: string;
  /** Unix seconds after which the session is void unless used again. */
  expireTime: number;
}

export interface Session extends SessionData {
  id: string;
}

const digest = (id: string) => createHash('sha256').update(id).digest('hex');

export class SessionStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly ttlSeconds: number,
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
    if (!id || !/^[0-9a-f]{64}$/.test(id)) return undefined;
    const raw = await this.redis.get(this.sessionKey(digest(id)));
    if (!raw) return undefined;
    const data = JSON.parse(raw) as SessionData;
    if (data.expireTime * 1000 < Date.now()) return undefined;
    return { id, ...data };
  }

  /** Slides the expiry forward; returns the refreshed session. */
  async touch(session: Session): Promise<Session> {
    const refreshed = { ...session, expireTime: this.nextExpiry() };
    await this.redis.set(this.sessionKey(digest(session.id)), JSON.stringify(this.dataOf(refreshed)), 'EX', this.ttlSeconds);
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

  private nextExpiry(): number {
    return Math.floor(Date.now() / 1000) + this.ttlSeconds;
  }

  private dataOf(s: Session): SessionData {
    return { uid: s.uid, userIp: s.userIp, userAgent: s.userAgent, csrfToken: s.csrfToken, expireTime: s.expireTime };
  }

  private sessionKey(hash: string): string {
    return this.keys.key('session', hash);
  }

  private userKey(uid: string): string {
    return this.keys.key('user_sessions', uid);
  }
}
