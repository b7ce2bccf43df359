/**
 * One dispatcher feeds every in-process subscriber of the domain events a unit of work committed, so they never
 * diverge.
 */
import type { Logger } from '../../lib/logger.js';
import type { DomainEvent } from './domain-events.js';

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
            this.logger.error(
              { err, event: event.name, eventId: event.id, subscriber: s.name },
              'event subscriber failed',
            );
          }
        }),
      );
    }
  }
}
