/**
 * The read side of the Event API outbox: claims due rows in id order, signs each (event-envelope.ts), publishes it
 * with a publisher confirm and marks it sent. Delivery to the broker is at least once: a relay that dies after
 * publishing but before marking re-publishes when its lease ends (the token's `jti` and the AMQP message id stay
 * the event's id, so consumers can tell). Several relays, in several processes, are safe: a row is claimed by one
 * atomic UPDATE (event-outbox-repository.ts).
 *
 * When a whole batch fails (the broker is down or unreachable), every row of it and the relay itself wait the same,
 * growing delay, so rows keep their order and are published in order when the broker is back. When only some rows
 * fail, those wait on their own growing delay, so one bad row never holds the others up.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../lib/logger.js';
import type { EventOutboxRepository, OutboxEvent } from '../db/repositories/event-outbox-repository.js';
import { eventBody, exchangeFor, routingKeyFor, signEvent, type EventSigningKey } from './event-envelope.js';
import type { EventPublisher } from './rabbitmq-publisher.js';

export interface RelayOptions {
  /** Pause between passes when there is nothing (more) to do. */
  pollIntervalMs: number;
  batchSize: number;
  /** How long a claim holds its rows; longer than a batch can take (signing + confirms). */
  leaseMs: number;
  /** Retry delays: base × 2^(failures − 1), capped, ±20 % jitter. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Sent rows older than this are deleted (0: kept forever). */
  retentionMs: number;
}

export interface RelayDeps {
  outbox: EventOutboxRepository;
  publisher: EventPublisher;
  signingKey: EventSigningKey;
  logger: Logger;
  options: RelayOptions;
}

export interface PassResult {
  claimed: number;
  sent: number;
  failed: number;
}

const PURGE_EVERY_MS = 10 * 60_000;

export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private pass?: Promise<void>;
  private stopped = true;
  private consecutiveFailures = 0;
  private lastPurge = 0;

  constructor(private readonly d: RelayDeps) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops polling and waits for the pass in hand (its publishes are confirmed or time out). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.pass;
  }

  /** One pass: claim a batch, publish it, record the outcome. Exported for tests and one-shot runs. */
  async runOnce(): Promise<PassResult> {
    const { outbox, options, logger } = this.d;
    const token = randomUUID();
    const rows = await outbox.claim(token, options.batchSize, options.leaseMs);
    if (!rows.length) return { claimed: 0, sent: 0, failed: 0 };

    const results = await Promise.allSettled(rows.map((row) => this.publish(row)));
    const sentIds = rows.filter((_, i) => results[i]?.status === 'fulfilled').map((r) => r.id);
    await outbox.markSent(token, sentIds);

    const failed = rows.flatMap((row, i) => {
      const r = results[i];
      return r?.status === 'rejected' ? [{ row, reason: r.reason instanceof Error ? r.reason.message : String(r.reason) }] : [];
    });
    if (failed.length === rows.length) this.consecutiveFailures += 1;
    else this.consecutiveFailures = 0;
    // A whole batch failing is the broker's doing: every row waits as long as the relay does, keeping the order.
    const batchDelay = failed.length === rows.length ? this.relayDelay() : undefined;
    for (const { row, reason } of failed) {
      await outbox.markFailed(token, row.id, reason, batchDelay ?? this.retryDelay(row.attempts + 1));
    }
    if (failed.length) {
      const first = failed[0]!;
      logger.warn(
        { failed: failed.length, sent: sentIds.length, event: first.row.name, eventId: first.row.eventId, reason: first.reason },
        'event API: publishing failed; the events stay in the outbox and are retried',
      );
    } else {
      logger.debug({ sent: sentIds.length }, 'event API: events published');
    }
    return { claimed: rows.length, sent: sentIds.length, failed: failed.length };
  }

  private async publish(row: OutboxEvent): Promise<void> {
    const jws = await signEvent(eventBody(row.name, row.payload), this.d.signingKey, { jti: row.eventId });
    await this.d.publisher.publish(exchangeFor(row.name), routingKeyFor(row.name), Buffer.from(JSON.stringify(jws)), row.eventId);
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
    try {
      const result = await this.runOnce();
      if (result.failed && result.failed === result.claimed) next = this.relayDelay();
      else if (result.claimed === this.d.options.batchSize) next = 0; // more may be waiting
      await this.purgeIfDue();
    } catch (err) {
      // The database itself failed (the rows are safe where they are); try again later.
      this.consecutiveFailures += 1;
      next = this.relayDelay();
      this.d.logger.error({ err }, 'event API: outbox relay pass failed');
    }
    this.schedule(next);
  }

  private async purgeIfDue(): Promise<void> {
    const { retentionMs } = this.d.options;
    if (!retentionMs || Date.now() - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = Date.now();
    const purged = await this.d.outbox.purgeSent(retentionMs);
    if (purged) this.d.logger.info({ purged }, 'event API: old sent events removed from the outbox');
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
