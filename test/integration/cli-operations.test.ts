/**
 * The operators' CLI beyond accounts, against a real database and Redis: `seed` (Barong's seeds.yml format,
 * idempotent, with progress and a summary), `whitelink issue`, `service-accounts create`, `jobs failed` / `jobs
 * retry` on the real mail queue. Each write is an admin activity naming the OS user and the command.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { activeUser } from '../support/factories.js';
import { cli, cliActivities, TEST_OPERATOR } from '../support/cli.js';
import { until } from '../support/wait.js';
import { createQueue, type Queue } from '../../src/queues/create-queue.js';
import { MAIL_QUEUE_NAME } from '../../src/queues/mail-queue.js';

const SEEDS = path.resolve(import.meta.dirname, '../fixtures/seeds.yml');
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const counts = async () =>
  Object.fromEntries(
    await Promise.all(
      ['levels', 'permissions', 'restrictions', 'users', 'labels', 'activities'].map(async (table) => {
        const [row] = await t.db.knex(table).count({ n: '*' });
        return [table, Number(row?.n)];
      }),
    ),
  );

function seedsFile(yaml: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'barong-seeds-')), 'seeds.yml');
  writeFileSync(file, yaml);
  return file;
}

describe('npm run cli -- seed --file', () => {
  it("seeds Barong's format once: a second run changes nothing", async () => {
    const first = await cli(t, ['seed', '--file', SEEDS]);
    expect(first.code).toBe(0);
    // The test database has Barong's levels and permissions already (src/db/seeds).
    expect(first.stdout).toBe(
      [
        'levels: 0 created, 3 already there',
        'permissions: 1 created, 5 already there',
        'restrictions: 4 created, 0 already there',
        'users: 3 created, 0 already there',
        'ignored (not seeded by this server): profiles, organizations',
        '',
      ].join('\n'),
    );
    expect(first.stderr).toMatch(/^seed: 1\/16 \(levels\)\n(seed: \d+\/16 \(\w+\)\n)*seed: 16\/16 \(users\)\n$/);
    const after = await counts();

    const second = await cli(t, ['seed', '--file', SEEDS]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('permissions: 0 created, 6 already there');
    expect(second.stdout).toContain('users: 0 created, 3 already there');
    expect(await counts()).toEqual(after);
  });

  it('gives users their levels as private labels and their state, a ban held; records each entry', async () => {
    const member = await t.db.knex('users').where({ email: 'member@seed.test' }).first();
    expect(member).toMatchObject({ uid: 'IDSEED000002', role: 'member', state: 'active', level: 2 });
    const labels = await t.db
      .knex('labels')
      .where({ user_id: member.id })
      .orderBy('id')
      .select('key', 'value', 'scope');
    expect(labels).toEqual([
      { key: 'email', value: 'verified', scope: 'private' },
      { key: 'phone', value: 'verified', scope: 'private' },
    ]);
    expect(await t.db.knex('users').where({ email: 'banned@seed.test' }).first()).toMatchObject({
      state: 'banned',
      admin_state: 'banned',
    });
    const recorded = (await cliActivities(t)).filter((a) => a.data.command === 'seed');
    expect(recorded.map((a) => a.topic).sort()).toEqual([
      'permissions',
      ...Array(4).fill('restrictions'),
      ...Array(3).fill('users'),
    ]);
    const admin = recorded.find((a) => a.target_uid === 'IDSEED000001');
    expect(admin).toMatchObject({ user_agent: `barong-cli (${TEST_OPERATOR}): seed`, action: 'create' });
    expect(JSON.stringify(admin?.data)).not.toContain('Seed-Admin-Passw0rd-42');
  });

  it('every API process reloads the permissions it added', async () => {
    const decision = () => t.services.policy.permissionFor('seeded_role', 'GET', 'api/v2/peatio/market/trades');
    await until(() => decision().allowed, { what: 'the seeded permission to reach the policy' });
  });

  it('an entry that cannot be made is named; the others are made; exit 1', async () => {
    const file = seedsFile(
      [
        'permissions:',
        '  - { role: auditor, verb: fetch, path: api/v2, action: accept }',
        '  - { role: auditor, verb: get, path: api/v2/barong/admin, action: accept }',
        'restrictions:',
        '  - { category: blacklist, scope: ip, value: 999.1.1.1, state: enabled }',
        'users:',
        '  - { email: broken, level: 0 }',
        '  - { email: high@seed.test, level: 9 }',
      ].join('\n'),
    );
    const run = await cli(t, ['seed', '--file', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('permissions: 1 created, 0 already there');
    expect(run.stdout).toContain(
      'permissions #1 not seeded: verb fetch is not one of GET POST PUT DELETE PATCH HEAD ALL',
    );
    expect(run.stdout).toContain('restrictions #1 not seeded: value.invalid');
    expect(run.stdout).toContain('users #1 not seeded: email.invalid');
    expect(run.stdout).toContain('users #2 not seeded: not enough levels in the database for level 9');
    expect(run.stderr).toContain('error: 4 entries not seeded');
  });

  it('a file that is not a seeds file is refused before anything is written', async () => {
    const before = await counts();
    const wrong = await cli(t, ['seed', '--file', seedsFile('users:\n  - { email: a@b.test }\n')]);
    expect(wrong).toMatchObject({ code: 1, stderr: expect.stringContaining('is not a seeds file: users.0.level:') });
    const missing = await cli(t, ['seed', '--file', '/nonexistent/seeds.yml']);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('cannot read /nonexistent/seeds.yml') });
    expect(await counts()).toEqual(before);
  });
});

describe('npm run cli -- whitelink issue / service-accounts create', () => {
  it('issues a token, recording the issue without the token', async () => {
    const run = await cli(t, ['whitelink', 'issue', '--hours', '0.5']);
    expect(run).toMatchObject({ code: 0, stderr: expect.stringContaining('valid for 1800 s') });
    const token = run.stdout.trim();
    expect(await t.services.redis.ttl(`${t.config.redisPrefix}whitelink:${token}`)).toBeGreaterThan(1700);
    const recorded = (await cliActivities(t)).at(-1);
    expect(recorded).toMatchObject({
      topic: 'restrictions',
      data: { command: 'whitelink issue', whitelink_seconds: 1800 },
    });
    expect(JSON.stringify(recorded)).not.toContain(token);
  });

  it("creates a service account with the owner's state, for an owner given by uid or e-mail", async () => {
    const owner = await activeUser(t);
    for (const ref of [owner.uid, owner.email]) {
      const run = await cli(t, ['service-accounts', 'create', '--owner', ref, '--role', 'sa_maker']);
      expect(run).toMatchObject({ code: 0, stdout: expect.stringMatching(/^SI[0-9A-F]{10}\n$/) });
      const account = await t.db.knex('service_accounts').where({ uid: run.stdout.trim() }).first();
      expect(account).toMatchObject({ owner_id: owner.id, role: 'sa_maker', state: 'active' });
      expect((await cliActivities(t)).at(-1)).toMatchObject({
        topic: 'service_accounts',
        target_uid: owner.uid,
        data: { command: 'service-accounts create', uid: account.uid },
      });
    }
    expect(await cli(t, ['service-accounts', 'create', '--owner', 'IDNOBODY0000'])).toMatchObject({
      code: 1,
      stderr: 'error: no user IDNOBODY0000\n',
    });
  });
});

describe('npm run cli -- jobs failed / jobs retry', () => {
  let queue: Queue;
  beforeAll(() => {
    queue = createQueue(MAIL_QUEUE_NAME, { redis: t.config.redis, prefix: t.config.redisPrefix });
  });
  afterAll(async () => {
    await queue?.close();
  });

  /** Jobs that a worker failed on their only attempt; the worker stops before the test goes on. */
  async function failedJobs(ids: string[]): Promise<void> {
    const worker = createQueue(MAIL_QUEUE_NAME, { redis: t.config.redis, prefix: t.config.redisPrefix });
    void worker.process('*', async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:25');
    });
    for (const id of ids) await queue.add('password_reset', { sealed: 'SEALED-DATA' }, { jobId: id, attempts: 1 });
    await until(async () => (await queue.getFailedCount()) === ids.length, { what: 'the jobs to fail' });
    await worker.close();
  }

  it('lists the failed jobs without their data, and puts the named ones back in the queue', async () => {
    await failedJobs(['password_reset:e1', 'password_reset:e2']);
    const listed = await cli(t, ['jobs', 'failed', '--queue', 'mail']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      /^password_reset:e2\tpassword_reset\t1\t\S+Z\tconnect ECONNREFUSED 127\.0\.0\.1:25\n/,
    );
    expect(listed.stdout).toContain('password_reset:e1\t');
    expect(listed.stdout).not.toContain('SEALED-DATA');
    expect(listed.stderr).toBe('mail: 2 failed job(s)\n');

    const retried = await cli(t, ['jobs', 'retry', '--queue', 'mail', 'password_reset:e1']);
    expect(retried).toMatchObject({ code: 0, stdout: 'password_reset:e1\n' });
    expect(await (await queue.getJob('password_reset:e1'))!.getState()).toBe('waiting');
    expect((await cliActivities(t)).at(-1)).toMatchObject({
      topic: 'jobs',
      data: { command: 'jobs retry', queue: 'mail', jobs: ['password_reset:e1'] },
    });

    const unknown = await cli(t, ['jobs', 'retry', '--queue', 'mail', 'password_reset:e1', 'nope']);
    expect(unknown).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('no failed job password_reset:e1, nope'),
    });
    expect(await cli(t, ['jobs', 'retry', '--queue', 'mail', '--all'])).toMatchObject({
      code: 0,
      stdout: 'password_reset:e2\n',
    });
    expect(await cli(t, ['jobs', 'failed', '--queue', 'sms'])).toMatchObject({
      code: 0,
      stdout: '',
      stderr: 'sms: 0 failed job(s)\n',
    });
  });

  it('refuses a retry without ids or --all, and an unknown queue, as usage errors', async () => {
    expect(await cli(t, ['jobs', 'retry', '--queue', 'mail'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('give --all'),
    });
    expect(await cli(t, ['jobs', 'failed', '--queue', 'fax'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('mail, sms'),
    });
  });
});
