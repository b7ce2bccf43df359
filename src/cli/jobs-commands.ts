/** `jobs failed` / `jobs retry`: the mail and SMS jobs that used up their attempts. */
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Config } from '../config/index.js';
import { recordAdminActivity } from '../domain/admin/admin-actor.js';
import { FailedJobs, JOB_QUEUES, type JobQueueName } from '../queues/failed-jobs.js';
import { CliFailure, line, withServices, type CliEnv } from './runtime.js';

const queueOption = () => new Option('--queue <name>', 'the queue').choices(JOB_QUEUES).makeOptionMandatory();

function limit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidArgumentError('a whole number from 1 to 1000');
  return n;
}

async function withFailedJobs<T>(config: Config, work: (jobs: FailedJobs) => Promise<T>): Promise<T> {
  const jobs = new FailedJobs({ redis: config.redis, prefix: config.redisPrefix });
  try {
    return await work(jobs);
  } finally {
    await jobs.close();
  }
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').slice(0, 200);

export function jobsCommands(env: CliEnv): Command {
  const jobs = new Command('jobs').description('mail and SMS jobs that failed every attempt');

  jobs
    .command('failed')
    .summary('list the failed jobs of a queue')
    .description(
      'list the newest failed jobs of a queue, one a line: id, name, attempts, failed at, reason (never the data)',
    )
    .addOption(queueOption())
    .option('--limit <n>', 'how many', limit, 50)
    .action(async (o: { queue: JobQueueName; limit: number }) => {
      const { total, jobs: failed } = await withFailedJobs(env.config(), (f) => f.list(o.queue, o.limit));
      for (const j of failed) {
        line(
          env.stdout,
          [j.id, j.name, j.attemptsMade, j.failedAt?.toISOString() ?? '-', oneLine(j.failedReason)].join('\t'),
        );
      }
      line(
        env.stderr,
        `${o.queue}: ${total} failed job(s)${total > failed.length ? `, the newest ${failed.length} shown` : ''}`,
      );
    });

  jobs
    .command('retry')
    .summary('put failed jobs back in their queue')
    .description('put failed jobs back in the queue: the ones named, or all with --all. Prints the ids retried.')
    .addOption(queueOption())
    .argument('[ids...]', 'job ids, as `jobs failed` lists them')
    .option('--all', 'every failed job of the queue')
    .action(async (ids: string[], o: { queue: JobQueueName; all?: boolean }, command: Command) => {
      if (!ids.length && !o.all) command.error('error: name the job ids, or give --all');
      if (ids.length && o.all) command.error('error: job ids or --all, not both');
      const outcome = await withServices(env, 'jobs retry', (s, actor) =>
        withFailedJobs(s.config, (f) =>
          // Recorded once the jobs are back in the queue: the record commits only for a retry that happened.
          s.uow.run(async (w) => {
            const result = await f.retry(o.queue, ids);
            const params = { queue: o.queue, jobs: result.retried };
            if (result.retried.length) await recordAdminActivity(w, actor, { topic: 'jobs', action: 'update', params });
            return result;
          }),
        ),
      );
      for (const id of outcome.retried) line(env.stdout, id);
      line(env.stderr, `${o.queue}: ${outcome.retried.length} job(s) retried`);
      if (outcome.missing.length) throw new CliFailure(`no failed job ${outcome.missing.join(', ')}`);
    });

  return jobs;
}
