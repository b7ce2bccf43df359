/**
 * Runs a piece of work in one database transaction with every repository bound to it, collects the domain
 * events it records, and dispatches them only once the transaction has committed.
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

export class UnitOfWork {
  constructor(
    private readonly knex: Knex,
    private readonly dispatcher: EventDispatcher,
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
        const result = await this.knex.transaction((trx) =>
          work({ repos: repositories(trx), emit: (name, payload, meta) => events.push(domainEvent(name, payload, meta)) }),
        );
        await this.dispatcher.dispatch(events);
        return result;
      } catch (err) {
        if (!isDeadlock(err) || attempt >= MAX_ATTEMPTS) throw err;
      }
    }
  }
}
