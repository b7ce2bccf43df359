/**
 * Keeps every API process's AuthzPolicy current. A change (admin service, whitelink) reloads this process's
 * policy, then publishes on the Redis channel `<BARONG_REDIS_PREFIX>authz:policy`; every other process is
 * subscribed (its own connection: a subscribed Redis connection can do nothing else) and reloads what changed.
 * Pub/sub is not durable, so a process also reloads after its subscriber reconnects, and everything reloads every
 * BARONG_AUTHZ_CACHE_REFRESH seconds as a safety net. (Channels ignore the Redis database number, hence the prefix.)
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../lib/logger.js';
import { duplicateRedis, type RedisClient, type RedisKeys } from '../../lib/redis.js';
import { POLICY_PARTS, type AuthzPolicy, type PolicyPart } from './authz-policy.js';

/** What code that changes permissions or restrictions calls after its transaction committed. */
export interface PolicyChanges {
  /** Never throws: the change is committed; a failed reload or publish is logged and the timer catches up. */
  changed(parts: readonly PolicyPart[]): Promise<void>;
}

interface Message {
  origin: string;
  parts: PolicyPart[];
}

export class PolicyInvalidation implements PolicyChanges {
  private readonly origin = randomUUID();
  private readonly channel: string;
  private subscriber?: RedisClient;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly policy: AuthzPolicy,
    private readonly redis: RedisClient,
    keys: RedisKeys,
    private readonly logger: Logger,
    private readonly refreshSeconds: number,
  ) {
    this.channel = keys.key('authz', 'policy');
  }

  /** Subscribes, then starts the timer; resolves once subscribed, so no later change can be missed. */
  async start(): Promise<void> {
    const subscriber = duplicateRedis(this.redis, 'barong-authz-policy');
    this.subscriber = subscriber;
    subscriber.on('message', (channel: string, raw: string) => {
      if (channel === this.channel) this.onMessage(raw);
    });
    subscriber.on('error', (err) => this.logger.warn({ err }, 'authorization policy subscriber: Redis error'));
    await subscriber.subscribe(this.channel);
    // ioredis re-subscribes by itself after a reconnect; what was published meanwhile is lost, so reload all.
    subscriber.on('ready', () => this.reload(POLICY_PARTS, 'subscriber reconnected'));
    if (this.refreshSeconds > 0) {
      this.timer = setInterval(() => this.reload(POLICY_PARTS, 'periodic refresh'), this.refreshSeconds * 1000);
      this.timer.unref();
    }
  }

  async changed(parts: readonly PolicyPart[]): Promise<void> {
    await this.reload(parts, 'local change');
    const message: Message = { origin: this.origin, parts: [...parts] };
    try {
      await this.redis.publish(this.channel, JSON.stringify(message));
    } catch (err) {
      this.logger.error({ err, parts }, 'authorization policy changed but the invalidation could not be published');
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  private onMessage(raw: string): void {
    let message: Message;
    try {
      message = JSON.parse(raw) as Message;
    } catch {
      this.logger.warn({ channel: this.channel }, 'ignoring a malformed authorization policy invalidation');
      return;
    }
    if (message.origin === this.origin) return; // this process reloaded before publishing
    const parts = POLICY_PARTS.filter((p) => Array.isArray(message.parts) && message.parts.includes(p));
    void this.reload(parts.length ? parts : POLICY_PARTS, 'invalidation received');
  }

  private async reload(parts: readonly PolicyPart[], reason: string): Promise<void> {
    try {
      await this.policy.reload(parts);
    } catch (err) {
      this.logger.error({ err, parts, reason }, 'authorization policy reload failed; the previous one stays in force');
    }
  }
}
