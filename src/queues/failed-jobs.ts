/**
 * The jobs of the mail and SMS queues that used up their attempts, for operators: list them, and put them back in
 * the queue once the cause is fixed (SMTP back, a Twilio credential renewed). Bull keeps them retryable until newer
 * failures or their age push them out (create-queue.ts). A retried job runs once more on a worker.
 */
import { createQueue, type CreateQueueOptions, type Job, type Queue } from './create-queue.js';
import { MAIL_QUEUE_NAME } from './mail-queue.js';
import { SMS_QUEUE_NAME } from './sms-queue.js';

export const JOB_QUEUES = [MAIL_QUEUE_NAME, SMS_QUEUE_NAME] as const;
export type JobQueueName = (typeof JOB_QUEUES)[number];

/** What is safe to show of a failed job: never its data (sealed, and personal). */
export interface FailedJob {
  id: string;
  /** The job's name: the mail template, or `phone_code`. */
  name: string;
  attemptsMade: number;
  failedReason: string;
  failedAt: Date | null;
}

export interface RetryOutcome {
  retried: string[];
  /** Ids that name no failed job (unknown, retried already, or trimmed). */
  missing: string[];
}

const describe = (job: Job): FailedJob => ({
  id: String(job.id),
  name: job.name,
  attemptsMade: job.attemptsMade,
  failedReason: job.failedReason ?? '',
  failedAt: job.finishedOn ? new Date(job.finishedOn) : null,
});

export class FailedJobs {
  private readonly queues = new Map<JobQueueName, Queue>();

  constructor(private readonly options: CreateQueueOptions) {}

  /** The newest `limit` failed jobs, and how many there are in all. */
  async list(name: JobQueueName, limit: number): Promise<{ total: number; jobs: FailedJob[] }> {
    const queue = this.queue(name);
    const [total, jobs] = await Promise.all([queue.getFailedCount(), queue.getFailed(0, limit - 1)]);
    return { total, jobs: jobs.filter(Boolean).map(describe) };
  }

  /** The jobs `ids`, or every failed job when none is given. */
  async retry(name: JobQueueName, ids: readonly string[]): Promise<RetryOutcome> {
    const queue = this.queue(name);
    const jobs = ids.length ? await Promise.all(ids.map((id) => queue.getJob(id))) : await queue.getFailed();
    const outcome: RetryOutcome = { retried: [], missing: [] };
    for (const [i, job] of jobs.entries()) {
      if (job && (await job.isFailed())) {
        await job.retry();
        outcome.retried.push(String(job.id));
      } else {
        outcome.missing.push(ids[i] ?? String(job?.id));
      }
    }
    return outcome;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
  }

  private queue(name: JobQueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) this.queues.set(name, (queue = createQueue(name, this.options)));
    return queue;
  }
}
