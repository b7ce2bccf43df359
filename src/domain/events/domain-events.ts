/**
 * Domain events: what happened, recorded while a transaction runs and dispatched only after it commits
 * (event-dispatcher.ts). Names and payloads are those of Barong's Event API (docs/events.md).
 */
import { randomUUID } from 'node:crypto';

export interface DomainEvent {
  id: string;
  name: string;
  payload: Record<string, unknown>;
  /** Delivery hints that are not part of the published payload (mail language, recipient). */
  meta: { email?: string; language?: string | null; labelScope?: 'public' | 'private' };
  occurredAt: Date;
}

export function domainEvent(
  name: string,
  payload: Record<string, unknown>,
  meta: DomainEvent['meta'] = {},
): DomainEvent {
  return { id: randomUUID(), name, payload, meta, occurredAt: new Date() };
}
