/**
 * Runs a piece of work in one database transaction with every repository bound to it, collects the domain
 * events it records, writes the deferred ones to the outbox inside the transaction (src/events/event-outbox.ts),
 * and dispatches all of them to the in-process subscribers only once the transaction has committed.
 */
import type { Knex } from '../db/knex.js';
import { repositories, type Repositories } from '../db/repositories/index.js';
import { isDeadlock } from '../db/mysql-errors.js';
import { domainEvent, type DomainEvent } from './events/domain-events.js';
import type { EventDispatcher } from './events/event-dispatcher.js';

const MAX_ATTEMPTS = 6;
/** A victim waits a little, longer each time and at random, so the transactions it collided with can finish first. */
const backoff = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));

export interface Work {
  repos: Repositories;
  emit(name: string, payload: Record<string, unknown>, meta?: DomainEvent['meta']): void;
}

/** An outbox row a relay holds (its claim token and the row's id). */
export interface OutboxClaim {
  token: string;
  rowId: number;
}

/** Takes a unit's events inside its transaction, so they commit or roll back with the change they describe. */
export interface TransactionalEventSink {
  /** Returns how many rows it wrote. */
  record(trx: Knex.Transaction, events: readonly DomainEvent[]): Promise<number>;
  /** Marks a claimed row done inside the transaction of the work it asked for, so that work happens once. */
  complete(trx: Knex.Transaction, claim: OutboxClaim): Promise<void>;
  /** After a commit that wrote rows. */
  committed(): void;
}

export interface RunOptions {
  /** The outbox row this work carries out: marked done in the same transaction (the relay's deferred commands). */
  completing?: OutboxClaim;
}

export class UnitOfWork {
  constructor(
    private readonly knex: Knex,
    private readonly dispatcher: EventDispatcher,
    private readonly sink?: TransactionalEventSink,
  ) {}

  private shared?: Repositories;

  /**
   * Repositories outside any transaction, for reads. Built once: they hold nothing but the pool, and building the
   * twenty of them (and their error-translating proxies) on every read was a share of each guarded request's CPU.
   */
  get repos(): Repositories {
    return (this.shared ??= repositories(this.knex));
  }

  /** Retries the whole work when MariaDB picks it as a deadlock victim (e.g. two first sign-ups at once). */
  async run<T>(work: (w: Work) => Promise<T>, options: RunOptions = {}): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const events: DomainEvent[] = [];
      let recorded = 0;
      try {
        const result = await this.knex.transaction(async (trx) => {
          const emit: Work['emit'] = (name, payload, meta) => events.push(domainEvent(name, payload, meta));
          const value = await work({ repos: repositories(trx), emit });
          if (this.sink && events.length) recorded = await this.sink.record(trx, events);
          if (options.completing) {
            if (!this.sink) throw new Error('a unit of work cannot complete an outbox row without an outbox');
            await this.sink.complete(trx, options.completing);
          }
          return value;
        });
        if (recorded) this.sink?.committed();
        await this.dispatcher.dispatch(events);
        return result;
      } catch (err) {
        if (!isDeadlock(err) || attempt >= MAX_ATTEMPTS) throw err;
        await backoff(attempt);
      }
    }
  }
}
