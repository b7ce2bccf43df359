/** `activities purge`: old activities deleted now, as the worker's retention sweep deletes them. */
import { Command } from 'commander';
import { purgeActivities } from '../domain/retention/activity-purge.js';
import { CliFailure, line, withServices, type CliEnv } from './runtime.js';
import { wholeNumber } from './whole-number.js';

export function activitiesCommands(env: CliEnv): Command {
  const activities = new Command('activities').description('the activity log (the audit trail)');

  activities
    .command('purge')
    .summary('delete activities older than the retention')
    .description(
      'delete activities older than N days (--days, else BARONG_ACTIVITY_RETENTION_DAYS), oldest first, in short ' +
        'batches that do not lock the table. Prints how many were deleted.',
    )
    .option('--days <n>', 'keep the last N days (at least 1)', wholeNumber(1))
    .action(async (o: { days?: number }) => {
      const days = o.days ?? env.config().retention.activityRetentionDays;
      if (!days) throw new CliFailure('no retention: give --days N or set BARONG_ACTIVITY_RETENTION_DAYS');
      const purged = await withServices(env, 'activities purge', (s, actor) =>
        purgeActivities(s.uow, actor, days, (n) => {
          if (env.stderr.isTTY) env.stderr.write(`\r${n} deleted`);
        }),
      );
      if (env.stderr.isTTY) line(env.stderr, '');
      line(env.stdout, String(purged));
      line(env.stderr, `${purged} activities older than ${days} days deleted`);
    });

  return activities;
}
