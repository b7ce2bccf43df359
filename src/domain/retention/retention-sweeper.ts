/**
 * The worker's periodic clean-up of what is kept only for a while: Event API outbox rows sent more than
 * BARONG_EVENT_API_OUTBOX_RETENTION hours ago, and, when BARONG_ACTIVITY_RETENTION_DAYS is set (off by default),
 * activities older than that. Each table is purged in short batches (batched-purge.ts). Workers on several hosts
 * may sweep at once: each statement deletes rows the others have not, so they only share the work.
 */
import type { Logger } from '../../lib/logger.js';
import type { ActivitiesRepository } from '../../db/repositories/activities-repository.js';
import type { EventOutboxRepository } from '../../db/repositories/event-outbox-repository.js';
import { PURGE_BATCH_SIZE, PURGE_PAUSE_MS, purgeInBatches } from './batched-purge.js';

export interface RetentionOptions {
  /** Sent outbox rows older than this go (0: kept). */
  outboxRetentionMs: number;
  /** Activities older than this go (0: kept). */
  activityRetentionDays: number;
  /** Time between sweeps. */
  everyMs: number;
  batchSize?: number;
  pauseMs?: number;
}

export interface RetentionDeps {
  outbox: Pick<EventOutboxRepository, 'purgeSent'>;
  activities: Pick<ActivitiesRepository, 'purgeOlderThan'>;
  logger: Logger;
  options: RetentionOptions;
}

export interface SweepResult {
  outbox: number;
  activities: number;
}

export const SWEEP_EVERY_MS = 10 * 60_000;

export class RetentionSweeper {
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<unknown>;
  private stopped = true;
  /** Set by stop(): a sweep in hand ends after its current statement. */
  private stopping = false;

  constructor(private readonly d: RetentionDeps) {}

  /** Sweeps now, then every `everyMs`. Does nothing when neither retention is set. */
  start(): void {
    const { outboxRetentionMs, activityRetentionDays } = this.d.options;
    if (!this.stopped || (!outboxRetentionMs && !activityRetentionDays)) return;
    this.stopped = false;
    this.stopping = false;
    this.schedule(0);
  }

  /** Stops after the statement in hand; the rest waits for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping = true;
    clearTimeout(this.timer);
    await this.sweeping;
  }

  /** One sweep of both tables, each until nothing older than its retention is left. */
  async sweep(): Promise<SweepResult> {
    const { outbox, activities, options } = this.d;
    const batches = {
      batchSize: options.batchSize ?? PURGE_BATCH_SIZE,
      pauseMs: options.pauseMs ?? PURGE_PAUSE_MS,
      shouldStop: () => this.stopping,
    };
    const result: SweepResult = { outbox: 0, activities: 0 };
    if (options.outboxRetentionMs)
      result.outbox = await purgeInBatches((n) => outbox.purgeSent(options.outboxRetentionMs, n), batches);
    if (options.activityRetentionDays)
      result.activities = await purgeInBatches(
        (n) => activities.purgeOlderThan(options.activityRetentionDays, n),
        batches,
      );
    return result;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.sweeping = this.sweepAndLog().finally(() => {
        this.sweeping = undefined;
        this.schedule(this.d.options.everyMs);
      });
    }, delayMs);
  }

  private async sweepAndLog(): Promise<void> {
    try {
      const purged = await this.sweep();
      if (purged.outbox || purged.activities) this.d.logger.info({ purged }, 'retention: old rows removed');
    } catch (err) {
      // Nothing is lost: the rows stay until the next sweep.
      this.d.logger.error({ err }, 'retention: purge failed; retried at the next sweep');
    }
  }
}
