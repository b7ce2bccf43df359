/**
 * The development inbox's store: what the worker caught (mail when no SMTP server is configured, the codes of the
 * `mock` SMS provider), newest first, in one Redis list under the deployment's prefix. Redis, not memory, because
 * the worker that catches and the API that shows may be one process (`npm start`) or two (`start:api` +
 * `start:worker`). Entries are sealed with the personal-data keys like every other token at rest; the list keeps
 * the last MAX_ENTRIES and is dropped a day after its last write. Never built in production (config.devInbox).
 */
import { randomUUID } from 'node:crypto';
import type { Encryptor } from './encryptor.js';
import type { Redis } from './redis.js';

export const DEV_INBOX_MAX_ENTRIES = 200;
export const DEV_INBOX_TTL_SECONDS = 24 * 3600;

export interface DevInboxMail {
  kind: 'mail';
  from: string;
  to: string;
  subject: string;
  text: string;
}

export interface DevInboxSms {
  kind: 'sms';
  to: string;
  /** The verification code the API checks. */
  code: string;
  text: string;
}

export type DevInboxEntry = (DevInboxMail | DevInboxSms) & { id: string; receivedAt: string };

export type DevInboxMessage = DevInboxMail | DevInboxSms;

export class DevInbox {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly encryptor: Pick<Encryptor, 'encrypt' | 'decrypt'>,
  ) {}

  async add(message: DevInboxMessage): Promise<DevInboxEntry> {
    const entry: DevInboxEntry = { ...message, id: randomUUID(), receivedAt: new Date().toISOString() };
    await this.redis
      .multi()
      .lpush(this.key, this.encryptor.encrypt(JSON.stringify(entry)))
      .ltrim(this.key, 0, DEV_INBOX_MAX_ENTRIES - 1)
      .expire(this.key, DEV_INBOX_TTL_SECONDS)
      .exec();
    return entry;
  }

  /** Newest first. An entry sealed under a key no longer configured is left out rather than failing the page. */
  async list(): Promise<DevInboxEntry[]> {
    const sealed = await this.redis.lrange(this.key, 0, DEV_INBOX_MAX_ENTRIES - 1);
    return sealed.flatMap((s) => {
      try {
        return [JSON.parse(this.encryptor.decrypt(s)) as DevInboxEntry];
      } catch {
        return [];
      }
    });
  }
}

/** The list's key under the deployment's Redis prefix (BARONG_REDIS_PREFIX). */
export function devInboxKey(prefix: string): string {
  return `${prefix}dev:inbox`;
}
