/**
 * The outbox (migrations 20261125000600, 20261207000001): every piece of work deferred past a transaction — Event API
 * events, mails, SMS codes, deferred commands — written inside the transaction of the change it belongs to; relays
 * claim rows with one atomic UPDATE (a token and a lease), so several relays in several processes never hold the
 * same row at once, and a relay that dies frees its rows when the lease ends.
 * All times come from the database clock (NOW(3)), so processes on hosts with skewed clocks agree. Two relays'
 * UPDATEs over the same range of rows can deadlock; the loser's statement is rolled back and run again, so no
 * claim is left half made and no delivered row stays unmarked until its lease ends (which would deliver it twice).
 */
import type { Knex } from 'knex';
import { retryOnDeadlock } from '../mysql-errors.js';
import type { Row } from '../row.js';

export interface NewOutboxEvent {
  eventId: string;
  name: string;
  payload: Record<string, unknown>;
  /** Delivery hints beside the payload (recipient, language …); never published. */
  meta: Record<string, unknown>;
  occurredAt: Date;
}

export interface OutboxEvent extends NewOutboxEvent {
  id: number;
  attempts: number;
}

const ERROR_MAX = 1024;

/** A delay in milliseconds as a MariaDB interval operand (whole microseconds). */
const micros = (ms: number) => Math.max(0, Math.round(ms * 1000));

/** How payloads and meta are stored: they carry personal data (names, birth dates, addresses, tokens), so encrypted. */
export interface PayloadCodec {
  encode(json: string): string;
  decode(stored: string): string;
}

export class EventOutboxRepository {
  constructor(
    private readonly db: Knex,
    private readonly codec: PayloadCodec,
  ) {}

  /** A lone statement is retried on deadlock; inside a transaction the whole transaction is (UnitOfWork). */
  private statement<T>(run: () => Promise<T>): Promise<T> {
    return this.db.isTransaction ? run() : retryOnDeadlock(run);
  }

  async insert(events: NewOutboxEvent[]): Promise<void> {
    if (!events.length) return;
    await this.db('event_outbox').insert(
      events.map((e) => ({
        event_id: e.eventId,
        name: e.name,
        payload: this.codec.encode(JSON.stringify(e.payload)),
        meta: this.codec.encode(JSON.stringify(e.meta)),
        occurred_at: e.occurredAt,
      })),
    );
  }

  /** Claims up to `limit` due rows, oldest first, for `leaseMs`; returns them in order. */
  async claim(token: string, limit: number, leaseMs: number): Promise<OutboxEvent[]> {
    await this.statement(() =>
      this.db.raw(
        `UPDATE event_outbox SET claimed_by = ?, claimed_until = NOW(3) + INTERVAL ? MICROSECOND
          WHERE sent_at IS NULL AND available_at <= NOW(3) AND (claimed_until IS NULL OR claimed_until < NOW(3))
          ORDER BY id LIMIT ?`,
        [token, micros(leaseMs), limit],
      ),
    );
    const rows = await this.db('event_outbox')
      .select('id', 'event_id', 'name', 'payload', 'meta', 'attempts', 'occurred_at')
      .where({ claimed_by: token })
      .whereNull('sent_at')
      .orderBy('id');
    return rows.map((r: Row) => ({
      id: Number(r.id),
      eventId: r.event_id,
      name: r.name,
      payload: JSON.parse(this.codec.decode(r.payload)) as Record<string, unknown>,
      meta: r.meta ? (JSON.parse(this.codec.decode(r.meta)) as Record<string, unknown>) : {},
      attempts: Number(r.attempts),
      occurredAt: r.occurred_at,
    }));
  }

  /** Marks rows of this claim published. Returns how many were still held by it. */
  async markSent(token: string, ids: number[]): Promise<number> {
    if (!ids.length) return 0;
    return this.statement(() =>
      this.db('event_outbox')
        .where({ claimed_by: token })
        .whereIn('id', ids)
        .update({ sent_at: this.db.raw('NOW(3)'), claimed_by: null, claimed_until: null, last_error: null }),
    );
  }

  /** A failed attempt: counts it, keeps the reason, and frees the row again after `retryInMs`. */
  async markFailed(token: string, id: number, error: string, retryInMs: number): Promise<void> {
    await this.statement(() =>
      this.db('event_outbox')
        .where({ claimed_by: token, id })
        .update({
          attempts: this.db.raw('attempts + 1'),
          last_error: error.slice(0, ERROR_MAX),
          available_at: this.db.raw('NOW(3) + INTERVAL ? MICROSECOND', [micros(retryInMs)]),
          claimed_by: null,
          claimed_until: null,
        }),
    );
  }

  /** Gives rows back unattempted (e.g. the broker went away mid-batch), due again after `retryInMs`. */
  async release(token: string, ids: number[], retryInMs: number): Promise<void> {
    if (!ids.length) return;
    await this.db('event_outbox')
      .where({ claimed_by: token })
      .whereIn('id', ids)
      .update({
        available_at: this.db.raw('NOW(3) + INTERVAL ? MICROSECOND', [micros(retryInMs)]),
        claimed_by: null,
        claimed_until: null,
      });
  }

  /** Deletes up to `limit` rows sent more than `olderThanMs` ago; returns how many. */
  async purgeSent(olderThanMs: number, limit = 1000): Promise<number> {
    const [result] = await this.db.raw(
      'DELETE FROM event_outbox WHERE sent_at IS NOT NULL AND sent_at < NOW(3) - INTERVAL ? MICROSECOND ORDER BY sent_at, id LIMIT ?',
      [micros(olderThanMs), limit],
    );
    return Number((result as { affectedRows?: number }).affectedRows ?? 0);
  }

  /**
   * The metrics' view (`barong_outbox_*`): unsent rows, counted up to `cap` so a huge backlog cannot make the read
   * slow, and the age of the oldest by the database clock. Both walk the (sent_at, id) index.
   */
  async backlog(cap = 100_000): Promise<{ pending: number; oldestAgeSeconds: number }> {
    const [rows] = await this.db.raw(
      `SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM event_outbox WHERE sent_at IS NULL LIMIT ?) AS capped) AS pending,
              (SELECT TIMESTAMPDIFF(MICROSECOND, created_at, NOW(3)) FROM event_outbox
                WHERE sent_at IS NULL ORDER BY id LIMIT 1) AS oldest_us`,
      [cap],
    );
    const row = (rows as Row[])[0];
    return { pending: Number(row?.pending ?? 0), oldestAgeSeconds: Math.max(0, Number(row?.oldest_us ?? 0)) / 1e6 };
  }

  async countPending(): Promise<number> {
    const [r] = await this.db('event_outbox').whereNull('sent_at').count({ n: '*' });
    return Number(r?.n ?? 0);
  }
}
