/**
 * Codes to send become jobs on the `sms` queue, fed by the domain-event dispatcher after the transaction that
 * stored the code has committed (a code rolled back is never sent). The event id makes the idempotency key.
 */
import type { DomainEvent } from '../domain/events/domain-events.js';
import { PHONE_CODE_REQUESTED, type PhoneCodeRequest } from '../domain/phones/phone-events.js';
import type { SmsQueue } from './sms-queue.js';

export function smsSubscriber(queue: SmsQueue) {
  return async (event: DomainEvent): Promise<void> => {
    if (event.name !== PHONE_CODE_REQUESTED) return;
    const request = event.payload.record as PhoneCodeRequest;
    await queue.enqueue({ ...request, idempotencyKey: `phone_code:${event.id}` });
  };
}
