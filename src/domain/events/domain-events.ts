/**
 * Domain events: what happened, recorded while a transaction runs and dispatched only after it commits.
 * Names and payloads are those of Barong's Event API (docs/events.md). One dispatcher feeds every subscriber
 * (the mail queue now; the SMS queue and the event publisher too), so they never diverge.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../lib/logger.js';

export interface DomainEvent {
  id: string;
  name: string;
  payload: Record<string, unknown>;
  /** Delivery hints that are not part of the published payload (mail language, recipient). */
  meta: { email?: string; language?: string | null; labelScope?: 'public' | 'private' };
  occurredAt: Date;
}

export function domainEvent(name: string, payload: Record<string, unknown>, meta: DomainEvent['meta'] = {}): DomainEvent {
  return { id: randomUUID(), name, payload, meta, occurredAt: new Date() };
}

export type EventSubscriber = (event: DomainEvent) => Promise<void>;

export class EventDispatcher {
  private readonly subscribers: { name: string; handle: EventSubscriber }[] = [];

  constructor(private readonly logger: Logger) {}

  subscribe(name: string, handle: EventSubscriber): void {
    this.subscribers.push({ name, handle });
  }

  /** Never throws: a failing subscriber is logged and must not undo or fail the committed change. */
  async dispatch(events: DomainEvent[]): Promise<void> {
    for (const event of events) {
      await Promise.all(
        this.subscribers.map(async (s) => {
          try {
            await s.handle(event);
          } catch (err) {
            this.logger.error({ err, event: event.name, eventId: event.id, subscriber: s.name }, 'event subscriber failed');
          }
        }),
      );
    }
  }
}
