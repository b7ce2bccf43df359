/**
 * The admin activity of each change made through the queue dashboard (retry, clean, promote, pause …): one record
 * per action that took effect, naming the admin, the queue and the job, under the topic the operators' CLI uses for
 * its retries (`jobs`), so one filter finds every hand laid on a job whichever way it came.
 */
import type { UnitOfWork } from '../unit-of-work.js';
import { recordAdminActivity, type AdminActor, type AdminRecord } from './admin-actor.js';

export interface QueueBoardAction {
  /** The activity's action: `update` for retries, promotions and pauses, `delete` for what removes jobs. */
  kind: Exclude<AdminRecord['action'], 'read'>;
  /** What was done, in the board's words: `retry`, `retry_all`, `clean`, `promote`, `pause` … */
  action: string;
  /** The queue acted on; absent for board-wide actions (pause or resume every queue). */
  queue?: string;
  job?: string;
  /** The job state an action on a whole set names (`retry/failed`, `clean/completed`). */
  status?: string;
  /** How many jobs an action on a whole set moved, when the board says (`retry_all`). */
  count?: number;
}

export class QueueBoardAudit {
  constructor(private readonly uow: UnitOfWork) {}

  async record(actor: AdminActor, a: QueueBoardAction): Promise<void> {
    const { kind, ...params } = a;
    await this.uow.run((w) =>
      recordAdminActivity(w, actor, { topic: 'jobs', action: kind, params: { via: 'queue_board', ...params } }),
    );
  }
}
