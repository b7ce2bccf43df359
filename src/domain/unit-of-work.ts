/**
 * Runs a piece of work in one database transaction with every repository bound to it, collects the domain
 * events it records, and dispatches them only once the transaction has committed. With a transactional sink
 * (the Event API outbox, src/events/event-outbox.ts) the same events are also written inside the transaction.
 */
import type { Knex } from 'knex';
import { repositories, type Repositories } from '../db/repositories/index.js';
import { isDeadlock } from '../db/mysql-errors.js';
import { domainEvent, type DomainEvent, type EventDispatcher } from './events/domain-events.js';

const MAX_ATTEMPTS = 3;

export interface Work {
  repos: Repositories;
  emit(name: string, payload: Record<string, unknown>, meta?: DomainEvent['meta']): void;
}

/** Takes a unit's events inside its transaction, so they commit or roll back with the change they describe. */
export interface TransactionalEventSink {
  record(trx: Knex.Transaction, events: readonly DomainEvent[]): Promise<void>;
}

export class UnitOfWork {
  constructor(
    private readonly knex: Knex,
    private readonly dispatcher: EventDispatcher,
    private readonly sink?: TransactionalEventSink,
  ) {}

  /** Repositories outside any transaction, for reads. */
  get repos(): Repositories {
    return repositories(this.knex);
  }

  /** Retries the whole work when MariaDB picks it as a deadlock victim (e.g. two first sign-ups at once). */
  async run<T>(work: (w: Work) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const events: DomainEvent[] = [];
      try {
        const result = await this.knex.transaction(async (trx) => {
          const emit: Work['emit'] = (name, payload, meta) => events.push(domainEvent(name, payload, meta));
          const value = await work({ repos: repositories(trx), emit });
          if (this.sink && events.length) await this.sink.record(trx, events);
          return value;
        });
        await this.dispatcher.dispatch(events);
        return result;
      } catch (err) {
        if (!isDeadlock(err) || attempt >= MAX_ATTEMPTS) throw err;
      }
    }
  }
}
