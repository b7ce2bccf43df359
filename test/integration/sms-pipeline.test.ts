/**
 * The SMS pipeline: SmsQueue → Bull on the real Redis → SMS worker → the real twilio client → a local Twilio
 * stand-in. Each test gets its own queue name; the file its own Redis prefix, removed afterwards. The API side
 * (codes, checks, what the user is told) is in resource-phones.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RedisClient } from '../../src/lib/redis.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import { Encryptor } from '../../src/lib/encryptor.js';
import { RedisKeys } from '../../src/lib/redis.js';
import { DevInbox, devInboxKey } from '../../src/lib/dev-inbox.js';
import type { Queue } from '../../src/queues/create-queue.js';
import { SmsQueue, type SmsJob } from '../../src/queues/sms-queue.js';
import { challengeId, SmsFailures } from '../../src/domain/phones/sms-failures.js';
import { createSmsProviders, type SmsProvider } from '../../jobs/sms/sms-providers.js';
import { smsSentMarkKey, startSmsWorker, type SmsJobResult } from '../../jobs/sms/sms-worker.js';
import { startSmsRole } from '../../jobs/sms/start-sms-worker.js';
import {
  startTwilioStandIn,
  TEST_ACCOUNT_SID,
  TEST_AUTH_TOKEN,
  TEST_SERVICE_SID,
  TWILIO_REFUSALS,
  type TwilioStandIn,
} from '../support/twilio-stand-in.js';
import { queueBench } from '../support/queue-bench.js';
import { until } from '../support/wait.js';

const bench = queueBench('sms');
const { prefix: PREFIX, logger, logLines, rawLog } = bench;
const TEMPLATE = 'Ваш код {{code}} ({{ code }})';

let twilio: TwilioStandIn;
let redis: RedisClient;
let config: Config;
let encryptor: Encryptor;
let failures: SmsFailures;
let phoneSeq = 0;
let numberSeq = 1000;

const newNumber = () => `+1202555${String(numberSeq++).padStart(4, '0')}`;

interface Pipeline {
  sms: SmsQueue;
  queue: Queue<SmsJob>;
}

function startPipeline(
  providers: Partial<Record<string, SmsProvider>> = createSmsProviders(config, logger),
  attempts = 3,
  rate: { concurrency?: number; ratePerSecond?: number } = {},
): Pipeline {
  const startWorker = (queue: Queue<SmsJob>) =>
    startSmsWorker({
      queue,
      providers,
      redis,
      keyPrefix: PREFIX,
      encryptor,
      failures,
      logger,
      concurrency: rate.concurrency,
    });
  const { producer } = bench.startPipeline({ attempts, ratePerSecond: rate.ratePerSecond }, startWorker);
  return { sms: new SmsQueue(producer), queue: producer };
}

function smsJob(to: string, overrides: Partial<SmsJob> = {}, code: string | null = '48213'): SmsJob {
  return {
    provider: 'twilio_sms',
    channel: 'sms',
    phoneId: ++phoneSeq,
    challenge: challengeId(new Date()),
    expiresAt: new Date(Date.now() + 600_000).toISOString(),
    sealed: encryptor.encrypt(JSON.stringify({ to, code })),
    idempotencyKey: `phone_code:${randomUUID()}`,
    ...overrides,
  };
}

async function completed(queue: Queue<SmsJob>, jobId: string): Promise<SmsJobResult> {
  await until(async () => (await queue.getJob(jobId))?.isCompleted());
  return (await queue.getJob(jobId))?.returnvalue as SmsJobResult;
}

async function failed(queue: Queue<SmsJob>, jobId: string) {
  await until(async () => (await queue.getJob(jobId))?.isFailed());
  return (await queue.getJob(jobId))!;
}

beforeAll(async () => {
  twilio = await startTwilioStandIn();
  config = loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    BARONG_REDIS_PREFIX: PREFIX,
    BARONG_PHONE_VERIFICATION: 'twilio_sms',
    BARONG_TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
    BARONG_TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
    BARONG_TWILIO_SERVICE_SID: TEST_SERVICE_SID,
    BARONG_TWILIO_PHONE_NUMBER: '+15005550006',
    BARONG_TWILIO_API_BASE: twilio.url,
    BARONG_SMS_CONTENT_TEMPLATE: TEMPLATE,
  });
  redis = bench.open(config.redis);
  encryptor = new Encryptor(config.encryptionKeys);
  failures = new SmsFailures(redis, new RedisKeys(PREFIX), 600);
});

afterEach(async () => {
  twilio.clearFailures();
  await bench.endTest();
});

afterAll(async () => {
  await bench.close();
  await twilio.close();
});

describe('twilio_sms', () => {
  it('sends with several jobs in hand (BARONG_SMS_CONCURRENCY) at most at the provider rate (BARONG_SMS_RATE_LIMIT), each code once', async () => {
    const { sms, queue } = startPipeline(undefined, 3, { concurrency: 8, ratePerSecond: 10 });
    const jobs = Array.from({ length: 25 }, () => smsJob(newNumber()));
    // Every event enqueued twice, as a relay delivering a row again would: still one job, one SMS.
    await Promise.all([...jobs, ...jobs].map((job) => sms.enqueue(job)));

    const results = await Promise.all(jobs.map((job) => completed(queue, job.idempotencyKey)));
    expect(results.every((r) => r.status === 'sent')).toBe(true);
    for (const job of jobs) {
      const { to } = JSON.parse(encryptor.decrypt(job.sealed)) as { to: string };
      expect(twilio.messages.filter((m) => m.to === to)).toHaveLength(1);
    }
    // 10 a second: 25 jobs need three windows, so the first and the last start at least 2 s apart.
    const started = await Promise.all(jobs.map(async (j) => (await queue.getJob(j.idempotencyKey))?.processedOn ?? 0));
    expect(Math.max(...started) - Math.min(...started)).toBeGreaterThanOrEqual(2000 - 50);
  }, 60_000);

  it('sends the code from the configured number with the content template, and never logs the number or the code', async () => {
    const { sms, queue } = startPipeline();
    const to = newNumber();
    const job = smsJob(to);
    await sms.enqueue(job);
    const result = await completed(queue, job.idempotencyKey);
    expect(result.status).toBe('sent');
    expect(result.ref).toMatch(/^SM[0-9a-f]{32}$/);
    expect(twilio.messages.filter((m) => m.to === to)).toEqual([
      { sid: result.ref, to, from: '+15005550006', body: 'Ваш код 48213 (48213)' },
    ]);
    const log = rawLog.join('');
    expect(log).toContain(job.idempotencyKey);
    expect(log).not.toContain('48213');
    expect(log).not.toContain(to.slice(1));
  });

  it('sends once per event: a second enqueue, or the same event after its job was removed, sends nothing', async () => {
    const { sms, queue } = startPipeline();
    const to = newNumber();
    const job = smsJob(to);
    await sms.enqueue(job);
    await sms.enqueue(job);
    await completed(queue, job.idempotencyKey);
    await (await queue.getJob(job.idempotencyKey))!.remove();
    expect(await redis.exists(smsSentMarkKey(PREFIX, job.idempotencyKey))).toBe(1);

    await sms.enqueue(job);
    expect((await completed(queue, job.idempotencyKey)).status).toBe('already_sent');
    expect(twilio.count('messages', to)).toBe(1);
  });

  it('drops a job whose code has expired instead of sending a dead code', async () => {
    const { sms, queue } = startPipeline();
    const to = newNumber();
    const job = smsJob(to, { expiresAt: new Date(Date.now() - 1000).toISOString() });
    await sms.enqueue(job);
    expect((await completed(queue, job.idempotencyKey)).status).toBe('expired');
    expect(twilio.count('messages', to)).toBe(0);
  });
});

describe('Twilio errors', () => {
  const cases: [number, string][] = [
    ...TWILIO_REFUSALS,
    [21211, 'resource.phone.num_not_valid'],
    [30001, 'resource.phone.twilio_unexpected'],
  ];
  for (const [code, key] of cases) {
    it(`files ${code} as ${key}, without retrying`, async () => {
      const { sms, queue } = startPipeline();
      const to = newNumber();
      twilio.failWith('messages', { status: 400, code, message: `Number ${to} refused` }, { to });
      const job = smsJob(to);
      await sms.enqueue(job);
      const done = await failed(queue, job.idempotencyKey);
      expect(done.attemptsMade).toBe(1);
      expect(done.failedReason).toBe(`Twilio answered HTTP 400 with code ${code} → ${key}`);
      expect(twilio.count('messages', to)).toBe(1);
      expect(await failures.find(job.phoneId, new Date(job.challenge))).toEqual({
        key,
        twilioCode: code,
        challenge: job.challenge,
      });
      // A failure belongs to its challenge: a newer code is not reported with it.
      expect(await failures.find(job.phoneId, new Date(Date.parse(job.challenge) + 1000))).toBeUndefined();
    });
  }

  it('retries transient failures (no answer, 5xx, 429) and files twilio_unexpected only when the tries run out', async () => {
    const { sms, queue } = startPipeline(undefined, 3);
    const to = newNumber();
    twilio.failWith('messages', 'reset', { to, times: 1 });
    twilio.failWith('messages', { status: 429, code: 20429 }, { to, times: 1 });
    twilio.failWith('messages', { status: 502 }, { to });
    const job = smsJob(to);
    await sms.enqueue(job);
    const done = await failed(queue, job.idempotencyKey);
    expect(done.attemptsMade).toBe(3);
    expect(twilio.count('messages', to)).toBe(3);
    expect(await failures.find(job.phoneId, new Date(job.challenge))).toMatchObject({
      key: 'resource.phone.twilio_unexpected',
    });
    expect(
      logLines.some((l) => l.jobId === job.idempotencyKey && l.msg === 'SMS attempt failed; will retry with backoff'),
    ).toBe(true);
  });

  it('fails a job it cannot read, or has no provider for, without calling Twilio and without crashing', async () => {
    const { sms, queue } = startPipeline(createSmsProviders(loadConfig({ ...process.env, NODE_ENV: 'test' }), logger));
    const to = newNumber();
    const unconfigured = smsJob(to);
    const unreadable = smsJob(to, { provider: 'mock', sealed: 'v1:garbage' });
    await sms.enqueue(unconfigured);
    await sms.enqueue(unreadable);
    expect((await failed(queue, unconfigured.idempotencyKey)).failedReason).toContain(
      'no twilio_sms provider configured',
    );
    expect((await failed(queue, unreadable.idempotencyKey)).failedReason).toContain('cannot be read');
    expect(await failures.find(unconfigured.phoneId, new Date(unconfigured.challenge))).toMatchObject({
      key: 'resource.phone.twilio_unexpected',
    });
    expect(twilio.count('messages', to)).toBe(0);
  });
});

describe('twilio_verify and mock', () => {
  it('starts a Twilio Verify challenge on the job channel', async () => {
    const { sms, queue } = startPipeline();
    const to = newNumber();
    const job = smsJob(to, { provider: 'twilio_verify', channel: 'call' }, null);
    await sms.enqueue(job);
    const result = await completed(queue, job.idempotencyKey);
    expect(result.ref).toMatch(/^VE/);
    expect(twilio.verifications.filter((v) => v.to === to)).toMatchObject([{ channel: 'call', status: 'pending' }]);
  });

  it('mock without the development inbox (production) sends nothing and says so loudly, at start and for every job', async () => {
    const mockConfig = loadConfig({ ...process.env, NODE_ENV: 'test', BARONG_REDIS_PREFIX: PREFIX });
    const role = await startSmsRole(mockConfig, logger);
    bench.afterTest(() => role.stop());
    expect(logLines.some((l) => l.level === 40 && String(l.msg).includes('BARONG_PHONE_VERIFICATION=mock'))).toBe(true);

    const { sms, queue } = startPipeline(createSmsProviders(mockConfig, logger));
    const to = newNumber();
    const job = smsJob(to, { provider: 'mock' });
    const before = logLines.length;
    await sms.enqueue(job);
    expect((await completed(queue, job.idempotencyKey)).status).toBe('sent');
    expect(logLines.slice(before).some((l) => l.level === 40 && String(l.msg).includes('NO SMS WAS SENT'))).toBe(true);
    expect(twilio.requests.filter((r) => r.to === to)).toEqual([]);
    expect(rawLog.join('')).not.toContain('48213');
  });

  it('mock outside production delivers the code to the development inbox, sealed in Redis', async () => {
    const mockConfig = loadConfig({ ...process.env, NODE_ENV: 'development', BARONG_REDIS_PREFIX: PREFIX });
    const key = devInboxKey(PREFIX);
    const inbox = new DevInbox(redis, key, encryptor);
    const { sms, queue } = startPipeline(createSmsProviders(mockConfig, logger, inbox));
    const to = newNumber();
    const job = smsJob(to, { provider: 'mock' });
    await sms.enqueue(job);
    const result = await completed(queue, job.idempotencyKey);
    expect(result.status).toBe('sent');
    const entries = await inbox.list();
    expect(entries.find((e) => e.to === to)).toMatchObject({
      kind: 'sms',
      id: result.ref,
      code: '48213',
      text: 'Your verification code for Barong: 48213',
    });
    expect((await redis.lrange(key, 0, -1)).join('')).not.toContain('48213');
    expect(rawLog.join('')).not.toContain('48213');
    expect(twilio.requests.filter((r) => r.to === to)).toEqual([]);
  });
});
