/**
 * The operator's purge of old activities (`npm run cli -- activities purge`): the worker's sweep, run now, with
 * its own retention if one is given. Recorded, after the purge, as one admin activity naming the operator.
 */
import type { UnitOfWork } from '../unit-of-work.js';
import { recordAdminActivity, type CliActor } from '../admin/admin-actor.js';
import { PURGE_BATCH_SIZE, PURGE_PAUSE_MS, purgeInBatches } from './batched-purge.js';

/** Deletes activities older than `days` days in batches; `progress` hears the running total after each batch. */
export async function purgeActivities(
  uow: UnitOfWork,
  actor: CliActor,
  days: number,
  progress?: (deletedSoFar: number) => void,
): Promise<number> {
  let total = 0;
  const activities = uow.repos.activities;
  const purged = await purgeInBatches(
    async (limit) => {
      const deleted = await activities.purgeOlderThan(days, limit);
      total += deleted;
      progress?.(total);
      return deleted;
    },
    { batchSize: PURGE_BATCH_SIZE, pauseMs: PURGE_PAUSE_MS },
  );
  await uow.run((w) =>
    recordAdminActivity(w, actor, { topic: 'activities', action: 'delete', params: { older_than_days: days, purged } }),
  );
  return purged;
}
