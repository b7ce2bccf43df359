/**
 * Which events become which mails (Barong's mailer.yml, reference §15.3), fed by the domain-event dispatcher
 * after each transaction commits. The event id makes the idempotency key, so one event never mails twice.
 */
import type { DomainEvent } from '../domain/events/domain-events.js';
import type { MailJob, MailQueue, MailTemplate } from './mail-queue.js';

type Record_ = { user?: { level?: number; state?: string }; token?: string; user_ip?: string; user_agent?: string; key?: string; value?: string };

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

export function mailSubscriber(queue: MailQueue) {
  return async (event: DomainEvent): Promise<void> => {
    const mail = mailFor(event);
    if (!mail || !event.meta.email) return;
    await queue.enqueue({
      ...mail,
      to: event.meta.email,
      language: event.meta.language ?? null,
      idempotencyKey: `${mail.template}:${event.id}`,
    });
  };
}
