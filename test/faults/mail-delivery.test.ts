/**
 * Fault drills on the mail path: the production worker (`jobs/main.ts`, a real process) sending the mail queue to a
 * real SMTP server (test/support/smtp.ts) on the test's own Redis prefix.
 * - 1,000 mails enqueued, the worker killed with SIGKILL mid-batch and started again: every mail arrives. A mail
 *   arrives twice only in the worker's stated duplicate window (accepted by SMTP, killed before its sent-mark was
 *   written: jobs/mail/mail-worker.ts), and always with the same Message-ID, so a receiver can fold it. Each pooled
 *   SMTP connection carries one message at a time, so at most SMTP_POOL mails can be in that window at the kill;
 *   the drill kills the worker the moment the catcher has stored its 250th mail, which is when the window is fullest
 *   (a CI run saw four: the four connections' last mails). Exactly once is not possible over SMTP: marking before
 *   sending would close the window by losing the mail instead.
 * - The SMTP server down for 60 s while 200 mails are enqueued: all arrive once it is back, none in the failed set.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ParsedMail } from 'mailparser';
import { startTestApp, testEnvironment, type TestApp } from '../support/app.js';
import { spawnTsx, type RunningProcess } from '../support/processes.js';
import { startSmtpCatcher, type SmtpCatcher } from '../support/smtp.js';
import { until } from '../support/wait.js';
import { createMailQueue, type MailQueue } from '../../src/queues/mail-queue.js';

let t: TestApp;
let queue: MailQueue;
let smtp: SmtpCatcher | undefined;
const workers: RunningProcess[] = [];

beforeAll(async () => {
  t = await startTestApp();
  queue = createMailQueue({ redis: t.config.redis, prefix: t.config.redisPrefix }, t.services.encryptor);
}, 120_000);

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop('SIGKILL')));
  await smtp?.close();
  smtp = undefined;
});

afterAll(async () => {
  await queue?.close();
  await t?.close();
}, 60_000);

/** The worker's SMTP connections: the most messages that can be accepted and not yet marked sent at one moment. */
const SMTP_POOL = 4;

async function startWorker(smtpPort: number): Promise<RunningProcess> {
  const worker = spawnTsx('jobs/main.ts', {
    ...testEnvironment(t.db.name),
    BARONG_SMTP_HOST: '127.0.0.1',
    BARONG_SMTP_PORT: String(smtpPort),
    BARONG_SMTP_POOL_SIZE: String(SMTP_POOL),
    LOG_LEVEL: 'info',
  });
  workers.push(worker);
  await until(() => worker.child.exitCode === null && worker.output().includes('mail worker started'), {
    timeoutMs: 90_000,
    intervalMs: 100,
    what: 'the mail worker to start',
  });
  return worker;
}

async function enqueue(tag: string, count: number): Promise<string[]> {
  const recipients = Array.from({ length: count }, (_, i) => `${tag}-${i}@drill.test`);
  for (const to of recipients) {
    await queue.enqueue({ template: 'password_changed', to, language: 'en', data: {}, idempotencyKey: `drill:${to}` });
  }
  return recipients;
}

const recipientOf = (mail: ParsedMail) => (mail.to && !Array.isArray(mail.to) ? mail.to.text : '');

/** How many times each recipient of `tag` got a mail, and the distinct Message-IDs of those mails. */
function arrivals(inbox: ParsedMail[], tag: string) {
  const perRecipient = new Map<string, number>();
  const messageIds = new Map<string, Set<string>>();
  for (const mail of inbox) {
    const to = recipientOf(mail);
    if (!to.startsWith(`${tag}-`)) continue;
    perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
    messageIds.set(to, (messageIds.get(to) ?? new Set()).add(mail.messageId ?? ''));
  }
  return { perRecipient, messageIds };
}

async function failedJobs(): Promise<number> {
  return t.services.redis.zcard(`${t.config.redisPrefix}{bull}:mail:failed`);
}

describe('mail worker killed with SIGKILL mid-batch', () => {
  it('delivers all 1,000 mails after a restart, none twice beyond the ones SMTP accepted at the kill', async () => {
    smtp = await startSmtpCatcher();
    const catcher = smtp;
    const recipients = await enqueue('kill', 1000);
    const first = await startWorker(catcher.port);
    await until(() => arrivals(catcher.inbox, 'kill').perRecipient.size >= 250, {
      timeoutMs: 120_000,
      intervalMs: 20,
      what: 'the first 250 mails',
    });
    await first.stop('SIGKILL');
    const atKill = arrivals(catcher.inbox, 'kill').perRecipient.size;
    expect(atKill).toBeLessThan(1000);

    await startWorker(catcher.port);
    // The job in hand at the kill runs again once its lock expires and a stalled check finds it (Bull: 30 s + 30 s).
    await until(
      () => arrivals(catcher.inbox, 'kill').perRecipient.size,
      (n) => n === 1000,
      {
        timeoutMs: 180_000,
        intervalMs: 200,
        what: 'all 1,000 mails',
      },
    );
    // Nothing more on its way: the queue is empty and nothing is in hand.
    const bull = `${t.config.redisPrefix}{bull}:mail`;
    await until(
      async () => (await t.services.redis.llen(`${bull}:wait`)) + (await t.services.redis.llen(`${bull}:active`)),
      (n) => n === 0,
      { timeoutMs: 30_000, what: 'the mail queue to empty' },
    );
    const { perRecipient, messageIds } = arrivals(catcher.inbox, 'kill');
    expect([...perRecipient.keys()].sort()).toEqual([...recipients].sort());
    const repeated = [...perRecipient].filter(([, n]) => n > 1);
    expect(repeated.length, JSON.stringify(repeated)).toBeLessThanOrEqual(SMTP_POOL);
    expect(repeated.every(([, n]) => n === 2)).toBe(true);
    for (const ids of messageIds.values()) expect(ids.size).toBe(1);
    expect(await failedJobs()).toBe(0);
  });
});

describe('SMTP server down for 60 s', () => {
  it('holds the 200 mails enqueued meanwhile and delivers them all once it is back', async () => {
    const first = await startSmtpCatcher();
    const port = first.port;
    smtp = first;
    await startWorker(port);
    await enqueue('warmup', 1);
    await first.waitFor((m) => recipientOf(m).startsWith('warmup-'), 60_000);
    await first.close();
    smtp = undefined;

    const recipients = await enqueue('outage', 200);
    await sleep(60_000);
    expect(await failedJobs()).toBe(0);

    smtp = await startSmtpCatcher(port);
    const back = smtp;
    await until(
      () => arrivals(back.inbox, 'outage').perRecipient.size,
      (n) => n === 200,
      {
        timeoutMs: 120_000,
        intervalMs: 200,
        what: 'all 200 mails after the SMTP server returned',
      },
    );
    const { perRecipient } = arrivals(back.inbox, 'outage');
    expect([...perRecipient.keys()].sort()).toEqual([...recipients].sort());
    expect([...perRecipient.values()].every((n) => n === 1)).toBe(true);
    expect(await failedJobs()).toBe(0);
    expect(workers[0]!.output()).toContain('SMTP server out of reach');
  });
});
