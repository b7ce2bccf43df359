/**
 * Where the mail benchmark's time went, hop by hop, read after the run from what the server records anyway:
 * the outbox rows (created in the sign-up's transaction → marked sent once the relay enqueued the job) and
 * Bull's completed mail jobs (added → taken by a worker → done, i.e. rendered and accepted by SMTP). Bull keeps
 * the newest 1000 completed jobs, so its hops describe the end of the run.
 */
import type { Config } from '../../src/config/index.js';
import { createKnex } from '../../src/db/knex.js';
import { createQueue } from '../../src/queues/create-queue.js';
import { MAIL_QUEUE_NAME } from '../../src/queues/mail-queue.js';

export interface Hop {
  name: string;
  values: number[];
}

export async function mailHops(config: Config): Promise<Hop[]> {
  const knex = createKnex(config.database);
  const queue = createQueue(MAIL_QUEUE_NAME, { redis: config.redis, prefix: config.redisPrefix });
  try {
    const rows = await knex('event_outbox')
      .where({ name: 'system.user.email.confirmation.token' })
      .whereNotNull('sent_at')
      .select<{ created_at: Date; sent_at: Date }[]>('created_at', 'sent_at');
    const jobs = await queue.getCompleted(0, 999);
    return [
      { name: 'outbox row → job enqueued (relay)', values: rows.map((r) => +r.sent_at - +r.created_at) },
      { name: 'job enqueued → taken (queue wait)', values: jobs.map((j) => (j.processedOn ?? 0) - j.timestamp) },
      { name: 'taken → SMTP accepted (worker)', values: jobs.map((j) => (j.finishedOn ?? 0) - (j.processedOn ?? 0)) },
    ];
  } finally {
    await queue.close();
    await knex.destroy();
  }
}
