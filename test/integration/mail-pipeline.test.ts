/**
 * The mail pipeline end to end: MailQueue → Bull on the real Redis → mail worker → nodemailer → an in-process
 * SMTP server. Each test gets its own queue name; the file its own Redis prefix, removed afterwards.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import type { ParsedMail } from 'mailparser';
import { loadConfig } from '../../src/config/index.js';
import { createQueue, type CreateQueueOptions, type Queue } from '../../src/queues/create-queue.js';
import { MailQueue, sealMail, type MailJob, type QueuedMail } from '../../src/queues/mail-queue.js';
import { Encryptor } from '../../src/lib/encryptor.js';
import type { RedisClient } from '../../src/lib/redis.js';
import { messageIdFor, sentMarkKey, startMailWorker, type MailJobResult } from '../../jobs/mail/mail-worker.js';
import { startSmtpCatcher, type SmtpCatcher } from '../support/smtp.js';
import { queueBench } from '../support/queue-bench.js';
import { until } from '../support/wait.js';

const CONFIG = loadConfig({ ...process.env, NODE_ENV: 'test' });
const REDIS = CONFIG.redis;
const encryptor = new Encryptor(CONFIG.encryptionKeys);
const bench = queueBench('mail');
const { prefix: PREFIX, logLines, rawLog } = bench;
const SENDER = { name: 'Barong Test', address: 'noreply@barong.test' };
const DOMAIN = 'https://barong.test';

let smtp: SmtpCatcher;
let redis: RedisClient;

interface Pipeline {
  mailQueue: MailQueue;
  producer: Queue<QueuedMail>;
  worker: { close(): Promise<void> };
}

/** The mail worker on a pipeline of the bench, sending to the SMTP catcher. */
function startPipeline(options: Partial<CreateQueueOptions> = {}): Pipeline {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true });
  const startWorker = (queue: Queue<QueuedMail>) =>
    startMailWorker({
      queue,
      transport,
      encryptor,
      redis,
      keyPrefix: PREFIX,
      render: { domain: DOMAIN, appName: 'Barong', logoLink: null, defaultLanguage: 'en' },
      from: SENDER,
      logger: bench.logger,
    });
  const { producer, worker } = bench.startPipeline(options, startWorker, () => transport.close());
  return { mailQueue: new MailQueue(producer, encryptor), producer, worker };
}

function confirmation(overrides: Partial<MailJob> = {}): MailJob {
  const id = randomUUID();
  return {
    template: 'email_confirmation',
    to: `user-${id}@example.com`,
    language: 'en',
    data: { token: `tok-${id}` },
    idempotencyKey: `email_confirmation:${id}`,
    ...overrides,
  };
}

const to = (address: string) => (mail: ParsedMail) =>
  !Array.isArray(mail.to) && mail.to?.value.some((a) => a.address === address) === true;

function hrefs(html: string): URL[] {
  return [...html.matchAll(/href="([^"]+)"/g)].map((m) => new URL((m[1] ?? '').replaceAll('&amp;', '&')));
}

/**
 * Polls rather than using Bull's job.finished(): that one can miss the completion message (it checks the state on
 * one connection and hears the event on another) and then waits for its 5 s watchdog.
 */
async function finished(queue: Queue<QueuedMail>, jobId: string): Promise<MailJobResult> {
  await until(async () => (await queue.getJob(jobId))?.isCompleted());
  // Read again: a job fetched before it completed carries no return value.
  return (await queue.getJob(jobId))?.returnvalue as MailJobResult;
}

beforeAll(async () => {
  smtp = await startSmtpCatcher();
  redis = bench.open(REDIS);
});

afterEach(async () => {
  smtp.failNext(0);
  await bench.endTest();
});

afterAll(async () => {
  await bench.close();
  await smtp.close();
});

describe('mail pipeline', () => {
  it('delivers a confirmation mail with subject, sender, recipient and a working link in HTML and text', async () => {
    const { mailQueue } = startPipeline();
    const job = confirmation();
    await mailQueue.enqueue(job);

    const mail = await smtp.waitFor(to(job.to));
    expect(mail.subject).toBe('Registration Confirmation');
    expect(mail.from?.value).toEqual([{ name: SENDER.name, address: SENDER.address }]);
    expect(mail.messageId).toBe(messageIdFor(job.idempotencyKey, SENDER.address));

    const link = `${DOMAIN}/accounts/confirmation?confirmation_token=${String(job.data.token)}&lang=en`;
    expect(mail.text).toContain(link);
    const links = hrefs(String(mail.html));
    expect(links.length).toBeGreaterThan(0);
    for (const url of links) {
      expect(url.origin + url.pathname).toBe(`${DOMAIN}/accounts/confirmation`);
      expect(url.searchParams.get('confirmation_token')).toBe(job.data.token);
      expect(url.searchParams.get('lang')).toBe('en');
    }
    // Nothing secret in the logs: not the token, not the link.
    expect(rawLog.join('')).not.toContain(String(job.data.token));
  });

  it('renders Russian for language "RU" and falls back to English for an unknown language', async () => {
    const { mailQueue } = startPipeline();
    const ru = confirmation({ language: 'RU' });
    const xx = confirmation({ language: 'xx' });
    await mailQueue.enqueue(ru);
    await mailQueue.enqueue(xx);

    const ruMail = await smtp.waitFor(to(ru.to));
    expect(ruMail.subject).toBe('Подтверждение регистрации');
    expect(ruMail.text).toContain(`confirmation_token=${String(ru.data.token)}&lang=ru`);

    const xxMail = await smtp.waitFor(to(xx.to));
    expect(xxMail.subject).toBe('Registration Confirmation');
    expect(xxMail.text).toContain('&lang=en');
  });

  it('sends one mail when the same event is enqueued twice', async () => {
    const { mailQueue, producer } = startPipeline();
    const job = confirmation();
    await mailQueue.enqueue(job);
    await mailQueue.enqueue(job);

    await smtp.waitFor(to(job.to));
    await finished(producer, job.idempotencyKey);
    const counts = await producer.getJobCounts();
    expect(counts).toMatchObject({ waiting: 0, active: 0, delayed: 0, completed: 1, failed: 0 });
    expect(smtp.inbox.filter(to(job.to))).toHaveLength(1);
  });

  it('retries with backoff when SMTP refuses, then delivers once', async () => {
    const { mailQueue, producer } = startPipeline({ attempts: 5, backoffDelayMs: 100 });
    const rejectedBefore = smtp.rejected;
    smtp.failNext(2);
    const job = confirmation();
    const started = Date.now();
    await mailQueue.enqueue(job);

    await smtp.waitFor(to(job.to));
    expect(Date.now() - started).toBeGreaterThanOrEqual(100 + 200); // exponential: 100 ms, then 200 ms
    expect(await finished(producer, job.idempotencyKey)).toMatchObject({ status: 'sent' });
    expect(smtp.rejected - rejectedBefore).toBe(2);
    expect((await producer.getJob(job.idempotencyKey))?.attemptsMade).toBe(2);
    expect(smtp.inbox.filter(to(job.to))).toHaveLength(1);
  });

  it('leaves a job that fails every attempt in the failed set', async () => {
    const { mailQueue, producer } = startPipeline({ attempts: 3, backoffDelayMs: 20 });
    smtp.failNext(Infinity);
    const job = confirmation();
    await mailQueue.enqueue(job);

    const failed = await until(async () => (await producer.getFailed()).find((j) => j.id === job.idempotencyKey));
    expect(failed.attemptsMade).toBe(3);
    expect(failed.failedReason).toMatch(/451/);
    expect(smtp.inbox.filter(to(job.to))).toHaveLength(0);
    expect(
      logLines.some(
        (l) => l.jobId === job.idempotencyKey && l.msg === 'mail job failed for good; left in the failed set',
      ),
    ).toBe(true);
  });

  it('keeps the recipient and the token out of Redis in clear (job data and completed history)', async () => {
    const { mailQueue, producer } = startPipeline();
    const job = confirmation();
    await mailQueue.enqueue(job);
    await smtp.waitFor(to(job.to));
    await finished(producer, job.idempotencyKey);

    const stored = JSON.stringify((await producer.getJob(job.idempotencyKey))!.data);
    expect(stored).not.toContain(String(job.data.token));
    expect(stored).not.toContain(job.to);
    const keys = await redis.keys(`${PREFIX}{bull}:${producer.name}:*`);
    for (const key of keys) {
      const dump = (await redis.type(key)) === 'hash' ? JSON.stringify(await redis.hgetall(key)) : '';
      expect(dump).not.toContain(String(job.data.token));
      expect(dump).not.toContain(job.to);
    }
  });

  it('fails a job whose sealed part cannot be opened at once, without retrying', async () => {
    const { producer } = startPipeline({ attempts: 5 });
    const job = confirmation();
    const other = new Encryptor([{ version: 1, key: Buffer.alloc(32, 7) }]);
    await producer.add(job.template, sealMail(job, other), { jobId: job.idempotencyKey });

    const failed = await until(async () => (await producer.getFailed()).find((j) => j.id === job.idempotencyKey));
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toMatch(/cannot be read/);
    expect(smtp.inbox.filter(to(job.to))).toHaveLength(0);
  });

  it('fails a job that cannot render at once, without retrying', async () => {
    const { mailQueue, producer } = startPipeline({ attempts: 5 });
    const job = confirmation({ data: {} });
    await mailQueue.enqueue(job);

    const failed = await until(async () => (await producer.getFailed()).find((j) => j.id === job.idempotencyKey));
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toMatch(/missing/);
  });

  it('does not send again when the same event is processed a second time (sent-mark)', async () => {
    const { mailQueue, producer } = startPipeline();
    const job = confirmation();
    await mailQueue.enqueue(job);
    await smtp.waitFor(to(job.to));
    await finished(producer, job.idempotencyKey);

    const ttl = await redis.ttl(sentMarkKey(PREFIX, job.idempotencyKey));
    expect(ttl).toBeGreaterThan(7 * 24 * 3600 - 60);

    // As if the worker had died after sending and Bull ran the event again under another job id.
    await producer.add(job.template, sealMail(job, encryptor), { jobId: `again:${job.idempotencyKey}` });
    expect(await finished(producer, `again:${job.idempotencyKey}`)).toMatchObject({ status: 'already_sent' });
    expect(smtp.inbox.filter(to(job.to))).toHaveLength(1);
    expect(
      logLines.some((l) => l.jobId === `again:${job.idempotencyKey}` && String(l.msg).includes('already sent')),
    ).toBe(true);
  });

  it('close() lets the job in hand finish and takes no new ones', async () => {
    const { mailQueue, producer, worker } = startPipeline();
    smtp.delayNext(800);
    const job = confirmation();
    await mailQueue.enqueue(job);
    await until(async () => (await (await producer.getJob(job.idempotencyKey))?.getState()) === 'active');

    const started = Date.now();
    await worker.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(smtp.inbox.filter(to(job.to))).toHaveLength(1);
    expect(await (await producer.getJob(job.idempotencyKey))?.getState()).toBe('completed');

    const later = confirmation();
    await mailQueue.enqueue(later);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await (await producer.getJob(later.idempotencyKey))?.getState()).toBe('waiting');
  });

  it('applies the shared defaults and keeps Bull keys under the deployment prefix', async () => {
    const queue = createQueue<QueuedMail>(bench.queueName(), { redis: REDIS, prefix: PREFIX });
    bench.afterTest(() => queue.close());
    const job = await queue.add('email_confirmation', sealMail(confirmation(), encryptor), { delay: 60_000 });
    expect(job.opts).toMatchObject({
      attempts: 5,
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: 1000,
      removeOnFail: { count: 5000, age: 14 * 24 * 3600 },
    });
    expect(await redis.exists(`${PREFIX}{bull}:${queue.name}:${String(job.id)}`)).toBe(1);
  });
});
