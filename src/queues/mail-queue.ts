/** The mail queue as producers see it: the job's shape and `enqueue`. The worker lives in jobs/mail/. */
import { createQueue, type CreateQueueOptions, type Queue } from './create-queue.js';

export const MAIL_QUEUE_NAME = 'mail';

export type MailTemplate = 'email_confirmation' | 'password_reset' | 'password_changed' | 'new_login' | 'label_changed';

/**
 * Fields each template reads from `data` (a missing one fails the job instead of sending a broken mail):
 * - email_confirmation, password_reset: `token`
 * - password_changed: none
 * - new_login: `ip`, `userAgent`
 * - label_changed: `labelKey`, `labelValue`, `level`, `state`
 */
export interface MailJob {
  template: MailTemplate;
  to: string;
  /** The user's language as stored (any case); the worker falls back to the default language when it has no template for it. */
  language?: string | null;
  data: Record<string, string | number | null>;
  /**
   * One key per event, e.g. `email_confirmation:<user uid>:<token jti>`. A second enqueue with the same key is a
   * no-op, and the worker never sends twice for it. It becomes the Bull job id and appears in logs, so it must
   * not contain the token or anything else secret.
   */
  idempotencyKey: string;
}

export class MailQueue {
  constructor(private readonly queue: Queue<MailJob>) {}

  /**
   * Call only after the database transaction that produced the event has committed: a mail enqueued inside a
   * transaction that then rolls back would point at a token that does not exist. If the enqueue itself fails
   * after the commit, the caller decides (Barong answered 500 when its event broker was down).
   */
  async enqueue(job: MailJob): Promise<void> {
    await this.queue.add(job.template, job, { jobId: job.idempotencyKey });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

export function createMailQueue(options: CreateQueueOptions): MailQueue {
  return new MailQueue(createQueue<MailJob>(MAIL_QUEUE_NAME, options));
}
