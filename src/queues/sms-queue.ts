/** The SMS queue as producers see it: the job's shape and `enqueue`. The worker lives in jobs/sms/. */
import { createQueue, type CreateQueueOptions, type Queue } from './create-queue.js';
import type { PhoneCodeRequest } from '../domain/phones/phone-events.js';

export const SMS_QUEUE_NAME = 'sms';

export interface SmsJob extends PhoneCodeRequest {
  /**
   * One key per event (`phone_code:<event id>`). A second enqueue with the same key is a no-op, and the worker
   * never sends twice for it. It becomes the Bull job id and appears in logs, so it holds nothing secret.
   */
  idempotencyKey: string;
}

export class SmsQueue {
  constructor(private readonly queue: Queue<SmsJob>) {}

  /** Called by the outbox relay, so only for codes whose transaction committed. */
  async enqueue(job: SmsJob): Promise<void> {
    await this.queue.add('phone_code', job, { jobId: job.idempotencyKey });
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

export function createSmsQueue(options: CreateQueueOptions): SmsQueue {
  return new SmsQueue(createQueue<SmsJob>(SMS_QUEUE_NAME, options));
}
