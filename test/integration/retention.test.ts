/**
 * Retention: the worker's sweep deletes sent outbox rows and (when BARONG_ACTIVITY_RETENTION_DAYS is set, off by
 * default) activities older than their retention, in batches of short statements; newer rows stay. The operator's
 * `activities purge` does the same at once and records itself.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.js';
import { loadConfig } from '../../src/config/index.js';
import { EventOutboxRepository } from '../../src/db/repositories/event-outbox-repository.js';
import { ActivitiesRepository } from '../../src/db/repositories/activities-repository.js';
import { outboxCodec } from '../../src/events/outbox-codec.js';
import { RetentionSweeper, type RetentionOptions } from '../../src/domain/retention/retention-sweeper.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { cli, cliActivities, TEST_OPERATOR } from '../support/cli.js';
import { until } from '../support/wait.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY);

async function addActivities(count: number, createdAt: Date, topic: string): Promise<void> {
  const rows = Array.from({ length: count }, () => ({
    user_id: null,
    category: 'user',
    user_ip: '127.0.0.1',
    user_agent: 'retention-test',
    topic,
    action: 'login',
    result: 'succeed',
    created_at: createdAt,
  }));
  await t.db.knex.batchInsert('activities', rows, 500);
}

async function activityTopics(): Promise<Record<string, number>> {
  const rows = await t.db
    .knex('activities')
    .where({ user_agent: 'retention-test' })
    .select('topic')
    .count({ n: '*' })
    .groupBy('topic');
  return Object.fromEntries((rows as { topic: string; n: number }[]).map((r) => [String(r.topic), Number(r.n)]));
}

async function addOutboxRow(sentAt: Date | null, name: string): Promise<void> {
  const repo = new EventOutboxRepository(t.db.knex, outboxCodec(t.services.encryptor));
  const eventId = randomUUID();
  await repo.insert([{ eventId, name, payload: {}, meta: {}, occurredAt: new Date() }]);
  await t.db.knex('event_outbox').where({ event_id: eventId }).update({ sent_at: sentAt });
}

async function outboxNames(): Promise<string[]> {
  const rows = await t.db.knex('event_outbox').where('name', 'like', 'internal.retention.%').orderBy('id');
  return rows.map((r) => r.name);
}

/** The sweeper over the test database, counting the DELETE statements it sends. */
function sweeper(options: Partial<RetentionOptions>) {
  const statements: number[] = [];
  const activities = new ActivitiesRepository(t.db.knex);
  const outbox = new EventOutboxRepository(t.db.knex, outboxCodec(t.services.encryptor));
  const sweep = new RetentionSweeper({
    outbox,
    activities: {
      async purgeOlderThan(days, limit) {
        const deleted = await activities.purgeOlderThan(days, limit);
        statements.push(deleted);
        return deleted;
      },
    },
    logger: createLogger('silent'),
    options: {
      outboxRetentionMs: 0,
      activityRetentionDays: 0,
      everyMs: 60_000,
      batchSize: 100,
      pauseMs: 1,
      ...options,
    },
  });
  return { sweep, statements };
}

describe('retention', () => {
  it('is off for activities by default; outbox rows are kept a week', () => {
    const config = loadConfig({ NODE_ENV: 'test' });
    expect(config.retention).toEqual({ activityRetentionDays: 0, erasureHoldDays: 1825 });
    expect(config.eventApi.relay.retentionMs).toBe(168 * 3_600_000);
  });

  it('deletes activities older than the retention in batches, and keeps the newer ones', async () => {
    await addActivities(250, daysAgo(40), 'old');
    await addActivities(3, daysAgo(29), 'recent');
    await addActivities(2, new Date(), 'today');

    const off = sweeper({});
    expect(await off.sweep.sweep()).toEqual({ outbox: 0, activities: 0 });
    expect(off.statements).toEqual([]);
    expect(await activityTopics()).toEqual({ old: 250, recent: 3, today: 2 });

    const on = sweeper({ activityRetentionDays: 30 });
    expect(await on.sweep.sweep()).toEqual({ outbox: 0, activities: 250 });
    // Full batches until a short one: three statements of at most 100 rows, none of them a table-wide delete.
    expect(on.statements).toEqual([100, 100, 50]);
    expect(await activityTopics()).toEqual({ recent: 3, today: 2 });
  });

  it('deletes outbox rows sent before the retention; pending and newer rows stay', async () => {
    await addOutboxRow(daysAgo(10), 'internal.retention.old_sent');
    await addOutboxRow(daysAgo(1), 'internal.retention.new_sent');
    await addOutboxRow(null, 'internal.retention.pending');

    const { sweep } = sweeper({ outboxRetentionMs: 7 * DAY });
    const result = await sweep.sweep();
    expect(result.outbox).toBeGreaterThanOrEqual(1);
    expect(await outboxNames()).toEqual(['internal.retention.new_sent', 'internal.retention.pending']);
  });

  it('sweeps by itself once started, and stops', async () => {
    await addActivities(120, daysAgo(400), 'started');
    const { sweep } = sweeper({ activityRetentionDays: 365 });
    sweep.start();
    try {
      await until(async () => (await activityTopics()).started === undefined, { what: 'the started sweep' });
    } finally {
      await sweep.stop();
    }
  });

  describe('npm run cli -- activities purge', () => {
    it('deletes activities older than --days and records the purge', async () => {
      await addActivities(5, daysAgo(100), 'cli_old');
      await addActivities(1, daysAgo(10), 'cli_new');
      const run = await cli(t, ['activities', 'purge', '--days', '90']);
      expect(run).toMatchObject({ code: 0, stdout: '5\n' });
      expect(run.stderr).toContain('5 activities older than 90 days deleted');
      const topics = await activityTopics();
      expect(topics.cli_old).toBeUndefined();
      expect(topics.cli_new).toBe(1);
      expect((await cliActivities(t)).at(-1)).toMatchObject({
        topic: 'activities',
        action: 'delete',
        user_agent: 'barong-cli (test-operator): activities purge',
        data: { operator: TEST_OPERATOR, command: 'activities purge', older_than_days: 90, purged: 5 },
      });
    });

    it('uses BARONG_ACTIVITY_RETENTION_DAYS, and refuses without any retention', async () => {
      await addActivities(2, daysAgo(200), 'env_old');
      const configured = await cli(t, ['activities', 'purge'], { env: { BARONG_ACTIVITY_RETENTION_DAYS: '150' } });
      expect(configured).toMatchObject({ code: 0, stdout: '2\n' });
      const refused = await cli(t, ['activities', 'purge']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('no retention: give --days N or set BARONG_ACTIVITY_RETENTION_DAYS');
    });
  });
});
