/**
 * Which domain events the outbox keeps: those some consumer of the relay will act on. Others (in-process signals
 * such as cache invalidations, Event API events while publishing is off) are not written at all.
 */
import { isPublishedEvent } from './event-envelope.js';
import { MAIL_EVENTS } from '../queues/mail-consumer.js';
import { PHONE_CODE_REQUESTED } from '../domain/phones/phone-events.js';
import { ERASED_FILES } from '../domain/admin/erased-files.js';
import {
  CONFIRMATION_LINK_REQUESTED,
  LOGIN_FAILED,
  RESET_LINK_REQUESTED,
} from '../domain/accounts/deferred-requests.js';

const DEFERRED_WORK: ReadonlySet<string> = new Set([
  PHONE_CODE_REQUESTED,
  LOGIN_FAILED,
  RESET_LINK_REQUESTED,
  CONFIRMATION_LINK_REQUESTED,
  ERASED_FILES,
]);

export function outboxWants(eventApiEnabled: boolean): (name: string) => boolean {
  return (name) => DEFERRED_WORK.has(name) || MAIL_EVENTS.has(name) || (eventApiEnabled && isPublishedEvent(name));
}

/** The Redis channel on which committed writes wake the relays up. */
export function outboxNudgeChannel(redisPrefix: string): string {
  return `${redisPrefix}outbox:nudge`;
}
