/**
 * The queues as the dashboard (Bull Board, src/api/queue-board/) sees them: one adapter per queue of JOB_QUEUES,
 * on handles of the API process's own (producers only: they never take a job), with every field that can hold
 * personal data passed through the redaction of job-redaction.ts before the board shows it.
 */
import { BullAdapter } from '@bull-board/api/bullAdapter';
import type { BaseAdapter } from '@bull-board/api/baseAdapter';
import { createQueue, type CreateQueueOptions, type Queue } from './create-queue.js';
import { JOB_QUEUES } from './failed-jobs.js';
import { redactJobData, redactProgress, redactReturnValue, redactText } from './job-redaction.js';

export type BoardQueue = BaseAdapter;

export interface BoardQueues {
  adapters: BoardQueue[];
  close(): Promise<void>;
}

const DESCRIPTIONS: Record<(typeof JOB_QUEUES)[number], string> = {
  mail: 'Mails from the outbox (recipient and data sealed)',
  sms: 'Phone codes from the outbox (number and code sealed)',
};

function boardAdapter(queue: Queue): BoardQueue {
  // The Bull adapter offers no retry of completed jobs (the board's hooks refuse it too).
  const adapter = new BullAdapter(queue, { description: DESCRIPTIONS[queue.name as keyof typeof DESCRIPTIONS] ?? '' });
  adapter.setFormatter('data', redactJobData);
  adapter.setFormatter('returnValue', redactReturnValue);
  adapter.setFormatter('progress', redactProgress);
  adapter.setFormatter('name', (job: { name?: string }) => redactText(job.name ?? ''));
  return adapter;
}

export function createBoardQueues(options: CreateQueueOptions): BoardQueues {
  const queues = JOB_QUEUES.map((name) => createQueue(name, options));
  return {
    adapters: queues.map(boardAdapter),
    async close() {
      await Promise.allSettled(queues.map((queue) => queue.close()));
    },
  };
}
