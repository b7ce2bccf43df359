/**
 * Deferred commands in the outbox (internal events with a handler, e.g. src/domain/accounts/deferred-requests.ts):
 * each runs in a unit of work that also marks its row done, so its writes happen exactly once however often the
 * relay delivers the row, and the events it emits go to the outbox in the same transaction.
 */
import type { DomainEvent } from '../domain/events/domain-events.js';
import type { OutboxClaim, UnitOfWork, Work } from '../domain/unit-of-work.js';
import type { OutboxConsumer } from './outbox-relay.js';

export type CommandHandler = (w: Work, payload: never) => Promise<void>;

export function commandConsumer(uow: UnitOfWork, handlers: Readonly<Record<string, CommandHandler>>): OutboxConsumer {
  return {
    name: 'commands',
    async deliver(event: DomainEvent, claim: OutboxClaim): Promise<void> {
      const handler = handlers[event.name];
      if (!handler) return;
      await uow.run((w) => handler(w, event.payload as never), { completing: claim });
    },
  };
}
