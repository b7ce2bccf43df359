/**
 * Admin activities of the authorizer (category `admin`, Barong's format): one for every AUDIT-permitted request and
 * every permission denial of a User. `record()` only queues, so the authorizer's answer never waits for MariaDB;
 * a background loop writes the rows (as Barong's ActivityLogger thread does). `flush()` waits until every queued
 * row is written (tests; shutdown). The queue is bounded: past MAX_QUEUED, new entries are dropped and counted
 * in the log rather than letting a flood of denied requests grow the heap.
 */
import type { Logger } from '../../lib/logger.js';
import type { UnitOfWork } from '../unit-of-work.js';
import type { GeoLookup } from './geoip.js';
import type { AuditNote } from './permissions.js';

export interface AdminActivityEntry {
  userId: number;
  ip: string;
  userAgent: string;
  /** The request's method, e.g. `POST` (→ action `create`). */
  method: string;
  /** The request path without leading slash. */
  path: string;
  /** Request parameters (query and body); stored as JSON in `data`, secrets masked. */
  params?: Record<string, unknown> | null;
  audit: AuditNote;
}

const MAX_QUEUED = 10_000;
const ACTIONS: Record<string, string> = {
  POST: 'create',
  PUT: 'update',
  PATCH: 'update',
  GET: 'read',
  DELETE: 'delete',
};
// Better than Barong, which stores request params verbatim: passwords, codes and secrets never reach the table.
const SECRET_PARAM = /pass|secret|otp|token|signature|captcha|verification_code|private_key/i;
const DATA_MAX = 60_000;

export function adminAction(method: string): string {
  return ACTIONS[method.toUpperCase()] ?? 'system';
}

export function maskSecrets(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_PARAM.test(k) ? '[filtered]' : maskSecrets(v, depth + 1)]),
  );
}

function targetUidParam(params: Record<string, unknown> | null | undefined): string | undefined {
  const uid = params?.uid ?? params?.user_uid;
  return typeof uid === 'string' && uid.length <= 32 ? uid : undefined;
}

export class AdminActivityLog {
  private readonly queue: AdminActivityEntry[] = [];
  private running?: Promise<void>;
  private dropped = 0;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly geo: GeoLookup,
    private readonly logger: Logger,
  ) {}

  /** Queues the activity and returns at once. Rows without IP or user agent are not saved (Barong parity). */
  record(entry: AdminActivityEntry): void {
    if (!entry.ip || !entry.userAgent) return;
    if (this.queue.length >= MAX_QUEUED) {
      if (this.dropped++ % 1000 === 0)
        this.logger.warn({ dropped: this.dropped }, 'admin activity queue full; dropping');
      return;
    }
    this.queue.push(entry);
    this.running ??= this.drain();
  }

  /** Resolves once everything queued so far has been written (or has failed and been logged). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  close(): Promise<void> {
    return this.flush();
  }

  private async drain(): Promise<void> {
    try {
      for (let entry = this.queue.shift(); entry; entry = this.queue.shift()) {
        try {
          await this.write(entry);
        } catch (err) {
          this.logger.error({ err, userId: entry.userId, topic: entry.audit.topic }, 'admin activity not recorded');
        }
      }
    } finally {
      this.running = undefined;
    }
  }

  private async write(e: AdminActivityEntry): Promise<void> {
    const { repos } = this.uow;
    const uid = targetUidParam(e.params);
    const target = uid && (await repos.users.findByUid(uid)) ? uid : '';
    let data = maskSecrets(e.params ?? {}) as Record<string, unknown>;
    if (JSON.stringify(data).length > DATA_MAX) data = { note: 'parameters too large to record' };
    await repos.activities.record({
      userId: e.userId,
      category: 'admin',
      targetUid: target,
      userIp: e.ip,
      userIpCountry: this.geo.lookup(e.ip)?.countryName ?? null,
      userAgent: e.userAgent,
      topic: e.audit.topic,
      action: adminAction(e.method),
      result: e.audit.result,
      data,
    });
  }
}
