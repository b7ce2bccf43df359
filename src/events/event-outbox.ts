/**
 * The write side of the outbox: the UnitOfWork hands it the events of a unit of work inside that unit's
 * transaction, so a deferred piece of work (an Event API event, a mail, an SMS code, a deferred command) exists
 * exactly when its change committed, and nothing is lost if the process dies after the commit. The relay
 * (outbox-relay.ts, in the worker process) delivers the rows. After a commit that wrote rows, relays are nudged
 * over Redis so they do not wait for their next poll; a lost nudge only costs that poll's delay.
 */
import type { Knex } from '../db/knex.js';
import type { DomainEvent } from '../domain/events/domain-events.js';
import type { OutboxClaim, TransactionalEventSink } from '../domain/unit-of-work.js';
import { EventOutboxRepository, type PayloadCodec } from '../db/repositories/event-outbox-repository.js';

export interface OutboxWriterOptions {
  codec: PayloadCodec;
  /** Whether some consumer of the outbox wants events of this name (others are not written). */
  wants(name: string): boolean;
  /** Tells relays that rows are waiting; must never throw. */
  nudge(): void;
}

export class EventOutbox implements TransactionalEventSink {
  constructor(private readonly o: OutboxWriterOptions) {}

  async record(trx: Knex.Transaction, events: readonly DomainEvent[]): Promise<number> {
    const rows = events
      .filter((e) => this.o.wants(e.name))
      .map((e) => ({ eventId: e.id, name: e.name, payload: e.payload, meta: e.meta, occurredAt: e.occurredAt }));
    await new EventOutboxRepository(trx, this.o.codec).insert(rows);
    return rows.length;
  }

  async complete(trx: Knex.Transaction, claim: OutboxClaim): Promise<void> {
    await new EventOutboxRepository(trx, this.o.codec).markSent(claim.token, [claim.rowId]);
  }

  committed(): void {
    this.o.nudge();
  }
}
