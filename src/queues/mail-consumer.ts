/**
 * Which events become which mails (Barong's mailer.yml mapping), delivered from the outbox by the relay.
 * The event id makes the idempotency key, so one event never mails twice.
 */
import type { DomainEvent } from '../domain/events/domain-events.js';
import type { OutboxConsumer } from '../events/outbox-relay.js';
import type { MailJob, MailQueue, MailTemplate } from './mail-queue.js';

type Record_ = {
  user?: { level?: number; state?: string };
  token?: string;
  user_ip?: string;
  user_agent?: string;
  key?: string;
  value?: string;
};

/** The events that can become a mail: the outbox keeps these whether or not the Event API is on. */
export const MAIL_EVENTS: ReadonlySet<string> = new Set([
  'system.user.email.confirmation.token',
  'system.user.password.reset.token',
  'system.user.password.reset',
  'system.user.password.change',
  'system.session.create',
  'model.label.created',
  'model.label.updated',
]);

function mailFor(event: DomainEvent): { template: MailTemplate; data: MailJob['data'] } | undefined {
  const record = (event.payload.record ?? {}) as Record_;
  switch (event.name) {
    case 'system.user.email.confirmation.token':
      return { template: 'email_confirmation', data: { token: record.token ?? null } };
    case 'system.user.password.reset.token':
      return { template: 'password_reset', data: { token: record.token ?? null } };
    case 'system.user.password.reset':
    case 'system.user.password.change':
      return { template: 'password_changed', data: {} };
    case 'system.session.create':
      return { template: 'new_login', data: { ip: record.user_ip ?? '', userAgent: record.user_agent ?? '' } };
    case 'model.label.created':
    case 'model.label.updated':
      if (event.meta.labelScope !== 'private') return undefined;
      return {
        template: 'label_changed',
        data: {
          labelKey: record.key ?? '',
          labelValue: record.value ?? '',
          level: record.user?.level ?? 0,
          state: record.user?.state ?? '',
        },
      };
    default:
      return undefined;
  }
}

export function mailConsumer(queue: MailQueue): OutboxConsumer {
  return {
    name: 'mail',
    async deliver(event: DomainEvent): Promise<void> {
      const mail = mailFor(event);
      if (!mail || !event.meta.email) return;
      await queue.enqueue({
        ...mail,
        to: event.meta.email,
        language: event.meta.language ?? null,
        idempotencyKey: `${mail.template}:${event.id}`,
      });
    },
  };
}
