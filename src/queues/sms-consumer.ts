/**
 * Codes to send become jobs on the `sms` queue, delivered from the outbox by the relay, so only codes whose
 * transaction committed are sent, and none is lost if the API process dies after the commit. The event id makes
 * the idempotency key.
 */
import type { DomainEvent } from '../domain/events/domain-events.js';
import type { OutboxConsumer } from '../events/outbox-relay.js';
import { PHONE_CODE_REQUESTED, type PhoneCodeRequest } from '../domain/phones/phone-events.js';
import type { SmsQueue } from './sms-queue.js';

export function smsConsumer(queue: SmsQueue): OutboxConsumer {
  return {
    name: 'sms',
    async deliver(event: DomainEvent): Promise<void> {
      if (event.name !== PHONE_CODE_REQUESTED) return;
      const request = event.payload.record as PhoneCodeRequest;
      await queue.enqueue({ ...request, idempotencyKey: `phone_code:${event.id}` });
    },
  };
}
