/**
 * The mail worker at an exchange's rate: many jobs in hand over a few pooled SMTP connections, a provider rate
 * limit, and a worker process stopped or killed mid-stream — every mail still arrives exactly once. Real MariaDB
 * (the worker's relay), Redis, SMTP server (test/support/smtp.ts) and worker processes (jobs/main.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { createSmtpTransport } from '../../jobs/main.js';
import { startMailWorker } from '../../jobs/mail/mail-worker.js';
import { createQueue, type Queue } from '../../src/queues/create-queue.js';
import { MAIL_QUEUE_NAME, MailQueue, type MailJob, type QueuedMail } from '../../src/queues/mail-queue.js';
import { createLogger } from '../../src/lib/logger.js';
import { startTestApp, testEnvironment, type TestApp } from '../support/app.js';
import { startSmtpCatcher, type SmtpCatcher } from '../support/smtp.js';
import { until } from '../support/wait.js';

const CONCURRENCY = 8;
const POOL_SIZE = 3;

let t: TestApp;
let smtp: SmtpCatcher;
const stops: Array<() => Promise<void>> = [];

function confirmation(run: string, i: number): MailJob {
  return {
    template: 'email_confirmation',
    to: `user-${run}-${i}@example.com`,
    language: 'en',
    data: { token: `tok-${run}-${i}` },
    idempotencyKey: `email_confirmation:${run}-${i}`,
  };
}

const recipient = (mail: ParsedMail) => (mail.to && !Array.isArray(mail.to) ? mail.to.text : '');

/** How many times each of `jobs` arrived. */
function copies(jobs: MailJob[]): number[] {
  const counts = new Map<string, number>();
  for (const mail of smtp.inbox) counts.set(recipient(mail), (counts.get(recipient(mail)) ?? 0) + 1);
  return jobs.map((j) => counts.get(j.to) ?? 0);
}

const arrived = (jobs: MailJob[]) => copies(jobs).filter((n) => n > 0).length;

/** Whether every one of `jobs` is a completed Bull job (its id is the idempotency key). */
async function allCompleted(queue: Queue<QueuedMail>, jobs: MailJob[]): Promise<boolean> {
  const states = await Promise.all(jobs.map(async (j) => (await queue.getJob(j.idempotencyKey))?.getState()));
  return states.every((state) => state === 'completed');
}

/** A producer on the production `mail` queue of the test app, as the relay holds it. */
function mailProducer(): { queue: Queue<QueuedMail>; mail: MailQueue } {
  const queue = createQueue<QueuedMail>(MAIL_QUEUE_NAME, { redis: t.config.redis, prefix: t.config.redisPrefix });
  stops.push(() => queue.close());
  return { queue, mail: new MailQueue(queue, t.services.encryptor) };
}

/** The worker process as deployed (`jobs/main.ts`), on the test app's database and Redis prefix. */
function startWorkerProcess(): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'jobs/main.ts'], {
    env: {
      ...process.env,
      ...testEnvironment(t.db.name),
      LOG_LEVEL: 'warn',
      BARONG_SMTP_HOST: '127.0.0.1',
      BARONG_SMTP_PORT: String(smtp.port),
      BARONG_MAIL_CONCURRENCY: String(CONCURRENCY),
      BARONG_SMTP_POOL_SIZE: String(POOL_SIZE),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  stops.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
  });
  return { child, output: () => output };
}

beforeAll(async () => {
  t = await startTestApp();
  smtp = await startSmtpCatcher();
});

afterEach(async () => {
  smtp.release();
  for (const stop of stops.splice(0).reverse()) await stop();
});

afterAll(async () => {
  await smtp?.close();
  await t?.close();
});

describe('mail worker throughput', () => {
  it(`sends ${CONCURRENCY} jobs at once over a pool of ${POOL_SIZE} connections, each mail once`, async () => {
    const transport = createSmtpTransport({ ...t.config.smtp, host: '127.0.0.1', port: smtp.port, poolSize: 3 });
    const queue = createQueue<QueuedMail>('mail-pooled', { redis: t.config.redis, prefix: t.config.redisPrefix });
    const producer = createQueue<QueuedMail>('mail-pooled', {
      redis: t.config.redis,
      prefix: t.config.redisPrefix,
    });
    const worker = startMailWorker({
      queue,
      transport,
      encryptor: t.services.encryptor,
      redis: t.services.redis,
      keyPrefix: t.config.redisPrefix,
      render: { domain: 'https://exchange.test', appName: 'Barong', logoLink: null, defaultLanguage: 'en' },
      from: { name: 'Barong', address: 'noreply@exchange.test' },
      logger: createLogger('silent'),
      concurrency: CONCURRENCY,
    });
    stops.push(async () => {
      await worker.close();
      await producer.close();
      transport.close();
    });
    const connectionsBefore = smtp.connections;
    // Fewer than 100 (after which nodemailer renews a pooled connection), so the connections counted are the pool.
    const jobs = Array.from({ length: 90 }, (_, i) => confirmation('pooled', i));
    const mail = new MailQueue(producer, t.services.encryptor);
    // Two enqueues of every event, as a relay that delivers a row again would make: one job each.
    await Promise.all([...jobs, ...jobs].map((job) => mail.enqueue(job)));

    await until(() => arrived(jobs) === jobs.length, { timeoutMs: 60_000, what: 'every mail' });
    await until(async () => (await producer.getJobCounts()).completed === jobs.length, { what: 'jobs completed' });
    expect(copies(jobs).every((n) => n === 1)).toBe(true);
    expect(smtp.connections - connectionsBefore).toBeLessThanOrEqual(POOL_SIZE);
  }, 90_000);

  it('holds the provider rate across the jobs in hand (BARONG_MAIL_RATE_LIMIT)', async () => {
    const options = { redis: t.config.redis, prefix: t.config.redisPrefix, ratePerSecond: 10 };
    const transport = createSmtpTransport({ ...t.config.smtp, host: '127.0.0.1', port: smtp.port, poolSize: 3 });
    const queue = createQueue<QueuedMail>('mail-limited', options);
    const producer = createQueue<QueuedMail>('mail-limited', options);
    const worker = startMailWorker({
      queue,
      transport,
      encryptor: t.services.encryptor,
      redis: t.services.redis,
      keyPrefix: t.config.redisPrefix,
      render: { domain: 'https://exchange.test', appName: 'Barong', logoLink: null, defaultLanguage: 'en' },
      from: { name: 'Barong', address: 'noreply@exchange.test' },
      logger: createLogger('silent'),
      concurrency: CONCURRENCY,
    });
    stops.push(async () => {
      await worker.close();
      await producer.close();
      transport.close();
    });
    const jobs = Array.from({ length: 25 }, (_, i) => confirmation('limited', i));
    const mail = new MailQueue(producer, t.services.encryptor);
    await Promise.all(jobs.map((job) => mail.enqueue(job)));

    await until(async () => (await producer.getJobCounts()).completed === jobs.length, {
      timeoutMs: 60_000,
      what: 'jobs completed',
    });
    // 10 a second: 25 jobs need three windows, so the first and the last start at least 2 s apart.
    const started = (await producer.getCompleted(0, -1)).map((j) => j.processedOn ?? 0);
    expect(Math.max(...started) - Math.min(...started)).toBeGreaterThanOrEqual(2000 - 50);
    expect(copies(jobs).every((n) => n === 1)).toBe(true);
  }, 90_000);

  it('a worker stopped (SIGTERM) mid-stream and started again sends every mail exactly once', async () => {
    const { mail, queue } = mailProducer();
    const jobs = Array.from({ length: 300 }, (_, i) => confirmation('sigterm', i));
    const first = startWorkerProcess();
    for (const job of jobs) await mail.enqueue(job);

    await until(() => arrived(jobs) >= 60, { timeoutMs: 60_000, what: 'the first mails' });
    first.child.kill('SIGTERM');
    const [code] = await once(first.child, 'exit');
    expect(code, first.output()).toBe(0);
    expect(arrived(jobs)).toBeLessThan(jobs.length); // stopped mid-stream, with mail left to send

    startWorkerProcess();
    // Room for a job the stopped worker left locked on a loaded machine: Bull hands it on once its lock (30 s) and
    // a stalled-job check (every 30 s) have passed; it must still go once.
    await until(() => arrived(jobs) === jobs.length, { timeoutMs: 100_000, what: 'every mail' });
    await until(() => allCompleted(queue, jobs), { what: 'every job completed' });
    expect(copies(jobs).every((n) => n === 1)).toBe(true);
  }, 200_000);

  it('a worker killed (SIGKILL) with mail in hand: once its locks expire, those jobs run again and every mail goes once', async () => {
    const { mail, queue } = mailProducer();
    const jobs = Array.from({ length: 200 }, (_, i) => confirmation('sigkill', i));
    const first = startWorkerProcess();
    for (const job of jobs) await mail.enqueue(job);

    await until(() => arrived(jobs) >= 40, { timeoutMs: 60_000, what: 'the first mails' });
    // Every connection of the pool now waits for an answer that never comes; then every mail the server did
    // accept has its sent-mark, and the worker dies with its jobs in hand.
    smtp.hold();
    await until(() => smtp.held === POOL_SIZE, { what: 'every pooled connection waiting' });
    const sentMarks = `${t.config.redisPrefix}mail:sent:email_confirmation:sigkill-*`;
    await until(async () => (await t.services.redis.keys(sentMarks)).length === arrived(jobs), {
      what: 'sent-marks of the accepted mails',
    });
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    smtp.release();
    const inHand = await queue.getActive();
    expect(inHand.length).toBeGreaterThan(0);

    // What 30 s (Bull's lockDuration) and two stalled-job checks would do: the dead worker's locks end, the
    // check marks its jobs as stalled, and the next one moves them back to wait.
    const bullKey = `${t.config.redisPrefix}{bull}:${MAIL_QUEUE_NAME}`;
    await t.services.redis.del(...inHand.map((job) => `${bullKey}:${String(job.id)}:lock`));
    const stalledCheck = queue as unknown as { moveUnlockedJobsToWait(): Promise<unknown> };
    for (let i = 0; i < 2; i++) {
      await t.services.redis.del(`${bullKey}:stalled-check`);
      await stalledCheck.moveUnlockedJobsToWait();
    }
    expect((await queue.getJobCounts()).active).toBe(0);

    startWorkerProcess();
    // Room for a job the stopped worker left locked on a loaded machine: Bull hands it on once its lock (30 s) and
    // a stalled-job check (every 30 s) have passed; it must still go once.
    await until(() => arrived(jobs) === jobs.length, { timeoutMs: 100_000, what: 'every mail' });
    await until(() => allCompleted(queue, jobs), { what: 'every job completed' });
    expect(copies(jobs).every((n) => n === 1)).toBe(true);
  }, 200_000);
});
