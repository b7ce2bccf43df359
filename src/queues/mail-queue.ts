/** The mail queue as producers see it: the job's shape and `enqueue`. The worker lives in jobs/mail/. */
import type { Encryptor } from '../lib/encryptor.js';
import { createQueue, type CreateQueueOptions, type Queue } from './create-queue.js';

export const MAIL_QUEUE_NAME = 'mail';

export type MailTemplate = 'email_confirmation' | 'password_reset' | 'password_changed' | 'new_login' | 'label_changed';

/**
 * A mail to send. Fields each template reads from `data` (a missing one fails the job instead of sending a broken
 * mail):
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
   * One key per event, e.g. `email_confirmation:<event id>`. A second enqueue with the same key is a no-op, and the
   * worker never sends twice for it. It becomes the Bull job id and appears in logs, so it must not contain the
   * token or anything else secret.
   */
  idempotencyKey: string;
}

/**
 * What the queue holds in Redis: the recipient and the data (reset and confirmation tokens, IPs) sealed with the
 * personal-data keys, so neither job data nor the completed/failed job history shows them in clear.
 */
export interface QueuedMail {
  template: MailTemplate;
  language: string | null;
  idempotencyKey: string;
  sealed: string;
}

type Sealer = Pick<Encryptor, 'encrypt' | 'decrypt'>;

export function sealMail(job: MailJob, sealer: Sealer): QueuedMail {
  return {
    template: job.template,
    language: job.language ?? null,
    idempotencyKey: job.idempotencyKey,
    sealed: sealer.encrypt(JSON.stringify({ to: job.to, data: job.data })),
  };
}

/** Throws when the sealed part cannot be read (a removed encryption key, a tampered job). */
export function openMail(queued: QueuedMail, sealer: Sealer): MailJob {
  const { to, data } = JSON.parse(sealer.decrypt(queued.sealed)) as Pick<MailJob, 'to' | 'data'>;
  return { template: queued.template, language: queued.language, idempotencyKey: queued.idempotencyKey, to, data };
}

export class MailQueue {
  constructor(
    private readonly queue: Queue<QueuedMail>,
    private readonly sealer: Sealer,
  ) {}

  /**
   * Called by the outbox relay, so only for mails whose transaction committed. Several enqueues of one event are
   * one job (the idempotency key is the job id).
   */
  async enqueue(job: MailJob): Promise<void> {
    await this.queue.add(job.template, sealMail(job, this.sealer), { jobId: job.idempotencyKey });
  }

  /** The queue's name and job counts, for `barong_queue_jobs` (src/lib/metrics.ts). */
  get name(): string {
    return this.queue.name;
  }

  getJobCounts() {
    return this.queue.getJobCounts();
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

export function createMailQueue(options: CreateQueueOptions, sealer: Sealer): MailQueue {
  return new MailQueue(createQueue<QueuedMail>(MAIL_QUEUE_NAME, options), sealer);
}
