/**
 * The read side of the outbox: claims due rows in id order, hands each to every consumer (publish to the Event
 * API, enqueue a mail or an SMS, run a deferred command) and marks it sent once all of them succeeded. Delivery is
 * at least once: a relay that dies after delivering but before marking delivers again when its lease ends, and a
 * row that failed in one consumer is delivered again to all of them, so every consumer is idempotent by the
 * event's id (Bull job ids, the mail worker's sent-marks, the AMQP message id, commands marking their own row done
 * in their transaction). Several relays, in several processes, are safe: a row is claimed by one atomic UPDATE
 * (event-outbox-repository.ts).
 *
 * When a whole batch fails (the broker or Redis is down), every row of it and the relay itself wait the same,
 * growing delay, so rows keep their order and are delivered in order when the service is back. When only some
 * rows fail, those wait on their own growing delay, so one bad row never holds the others up.
 * Sent rows are deleted later by the retention sweeper (src/domain/retention/), beside the relay in the worker.
 */
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/index.js';
import type { Logger } from '../lib/logger.js';
import type { EventOutboxRepository, OutboxEvent } from '../db/repositories/event-outbox-repository.js';
import type { DomainEvent } from '../domain/events/domain-events.js';
import type { OutboxClaim } from '../domain/unit-of-work.js';

/** How the relay polls, claims, retries and keeps rows (BARONG_EVENT_API_RELAY_*). */
export type RelayOptions = Config['eventApi']['relay'];

/** One destination of outbox rows. Ignores the events it has nothing to do with. */
export interface OutboxConsumer {
  readonly name: string;
  /** At least once: the same event may come again; a throw keeps the row for a retry. */
  deliver(event: DomainEvent, claim: OutboxClaim): Promise<void>;
}

export interface RelayDeps {
  outbox: EventOutboxRepository;
  consumers: readonly OutboxConsumer[];
  logger: Logger;
  options: RelayOptions;
}

export interface PassResult {
  claimed: number;
  sent: number;
  failed: number;
}

function asEvent(row: OutboxEvent): DomainEvent {
  return {
    id: row.eventId,
    name: row.name,
    payload: row.payload,
    meta: row.meta as DomainEvent['meta'],
    occurredAt: row.occurredAt,
  };
}

export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private pass?: Promise<void>;
  private stopped = true;
  private nudged = false;
  private consecutiveFailures = 0;

  constructor(private readonly d: RelayDeps) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops polling and waits for the pass in hand (its deliveries finish or time out). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.pass;
  }

  /** Rows are waiting (another process committed some): run a pass now, or right after the one in hand. */
  wake(): void {
    if (this.stopped) return;
    if (this.pass) {
      this.nudged = true;
      return;
    }
    if (this.consecutiveFailures > 0) return; // backing off: a nudge must not turn into a retry storm
    clearTimeout(this.timer);
    this.schedule(0);
  }

  /** Passes until no due row is left; for one-shot runs and tests. Returns the totals. */
  async drain(): Promise<PassResult> {
    const total: PassResult = { claimed: 0, sent: 0, failed: 0 };
    for (;;) {
      const r = await this.runOnce();
      total.claimed += r.claimed;
      total.sent += r.sent;
      total.failed += r.failed;
      if (!r.claimed || r.failed === r.claimed) return total;
    }
  }

  /** One pass: claim a batch, deliver it, record the outcome. */
  async runOnce(): Promise<PassResult> {
    const { outbox, options, logger } = this.d;
    const token = randomUUID();
    const rows = await outbox.claim(token, options.batchSize, options.leaseMs);
    if (!rows.length) return { claimed: 0, sent: 0, failed: 0 };

    // One row after another, in id order: delivered side by side, a batch's publishes could reach the broker out of
    // order (signing and the exchange checks after a reconnect finish in any order), and a consumer of one user's
    // events would see a confirmation before the sign-up (test/faults/rabbitmq-outage.test.ts). The price is one
    // broker confirm round trip per row instead of per batch.
    const results: PromiseSettledResult<void>[] = [];
    for (const row of rows) {
      results.push(
        await this.deliver(row, token).then(
          () => ({ status: 'fulfilled', value: undefined }) as const,
          (reason: unknown) => ({ status: 'rejected', reason }) as const,
        ),
      );
    }
    const sentIds = rows.filter((_, i) => results[i]?.status === 'fulfilled').map((r) => r.id);
    await outbox.markSent(token, sentIds);

    const failed = rows.flatMap((row, i) => {
      const r = results[i];
      return r?.status === 'rejected'
        ? [{ row, reason: r.reason instanceof Error ? r.reason.message : String(r.reason) }]
        : [];
    });
    if (failed.length === rows.length) this.consecutiveFailures += 1;
    else this.consecutiveFailures = 0;
    // A whole batch failing is a dependency's doing: every row waits as long as the relay does, keeping the order.
    const batchDelay = failed.length === rows.length ? this.relayDelay() : undefined;
    for (const { row, reason } of failed) {
      await outbox.markFailed(token, row.id, reason, batchDelay ?? this.retryDelay(row.attempts + 1));
    }
    if (failed.length) {
      const first = failed[0]!;
      logger.warn(
        {
          failed: failed.length,
          sent: sentIds.length,
          event: first.row.name,
          eventId: first.row.eventId,
          reason: first.reason,
        },
        'outbox: delivery failed; the rows stay in the outbox and are retried',
      );
    } else {
      logger.debug({ sent: sentIds.length }, 'outbox: rows delivered');
    }
    return { claimed: rows.length, sent: sentIds.length, failed: failed.length };
  }

  private async deliver(row: OutboxEvent, token: string): Promise<void> {
    const event = asEvent(row);
    const claim = { token, rowId: row.id };
    const results = await Promise.allSettled(this.d.consumers.map((c) => c.deliver(event, claim)));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.pass = this.tick().finally(() => {
        this.pass = undefined;
      });
    }, delayMs);
  }

  private async tick(): Promise<void> {
    let next = this.d.options.pollIntervalMs;
    this.nudged = false;
    try {
      const result = await this.runOnce();
      if (result.failed && result.failed === result.claimed) next = this.relayDelay();
      // A full batch may have left rows behind; a nudge during the pass means rows came after its claim. A partial
      // batch without a nudge took every due row, so another claim now would be an empty UPDATE (one per login).
      else if (result.claimed >= this.d.options.batchSize || this.nudged) next = 0;
    } catch (err) {
      // The database itself failed (the rows are safe where they are); try again later.
      this.consecutiveFailures += 1;
      next = this.relayDelay();
      this.d.logger.error({ err }, 'outbox: relay pass failed');
    }
    this.schedule(next);
  }

  private relayDelay(): number {
    return this.retryDelay(Math.max(1, this.consecutiveFailures));
  }

  private retryDelay(failures: number): number {
    const { retryBaseMs, retryMaxMs } = this.d.options;
    const base = Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(failures - 1, 30));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }
}
