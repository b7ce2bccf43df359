/**
 * Takes phone-code jobs off the `sms` queue and hands them to the provider the API chose. At-least-once, with a
 * sent-mark in Redis so one event is not sent twice when its job runs again (as the mail worker does).
 *
 * Failures: Twilio's answer decides. No answer, a timeout, 5xx or 429 are retried with the queue's backoff;
 * any other Twilio error is final (the job is discarded, not retried). A final failure — or the last retry of
 * a transient one — is filed in SmsFailures under its Barong key (`resource.phone.num_not_valid`, unknown
 * codes `resource.phone.twilio_unexpected`), where the next send_code/verify of that phone reports it.
 * A job whose code has expired is dropped unsent. The number and code are never logged.
 */
import type { Job, Queue } from '../../src/queues/create-queue.js';
import type { SmsJob } from '../../src/queues/sms-queue.js';
import type { Logger } from '../../src/lib/logger.js';
import type { Metrics } from '../../src/lib/metrics.js';
import type { Encryptor } from '../../src/lib/encryptor.js';
import type { SealedMessage, SmsProviderName } from '../../src/domain/phones/phone-events.js';
import type { SmsFailures } from '../../src/domain/phones/sms-failures.js';
import { classifyTwilioError, TWILIO_UNEXPECTED, type TwilioFailure } from '../../src/domain/phones/twilio.js';
import { UnsendableSmsError, type OutgoingCode, type SmsProvider } from './sms-providers.js';
import type { RedisClient } from '../../src/lib/redis.js';

export interface SmsWorkerOptions {
  queue: Queue<SmsJob>;
  providers: Partial<Record<SmsProviderName, SmsProvider>>;
  /** Plain ioredis (no `keyPrefix`), for the sent-marks. */
  redis: RedisClient;
  /** Deployment key prefix (config.redisPrefix); marks are `${keyPrefix}sms:sent:<idempotency key>`. */
  keyPrefix: string;
  encryptor: Encryptor;
  failures: SmsFailures;
  logger: Logger;
  /** Each provider call's time and failures (`barong_sms_send_*`, by provider). */
  metrics?: Pick<Metrics, 'smsSends' | 'smsFailures'>;
  concurrency?: number;
}

export interface SmsWorker {
  /** Stops taking jobs, waits for the ones in hand, closes the queue. */
  close(): Promise<void>;
}

export type SmsJobResult = { status: 'sent' | 'already_sent' | 'expired'; ref: string | null };

export const SENT_MARK_TTL_SECONDS = 24 * 3600;

export function smsSentMarkKey(keyPrefix: string, idempotencyKey: string): string {
  return `${keyPrefix}sms:sent:${idempotencyKey}`;
}

/** The job's failure, safe for logs and for Bull's failedReason (no number, no code, no Twilio message text). */
export class SmsSendError extends Error {
  override name = 'SmsSendError';
  constructor(readonly failure: TwilioFailure) {
    super(`${failure.summary} → ${failure.key}`);
  }
}

/** `+12025550143` → `+*******0143`. */
function maskNumber(to: string): string {
  return to.length > 4 ? `+${'*'.repeat(Math.max(0, to.length - 5))}${to.slice(-4)}` : '***';
}

function unsendable(reason: string): TwilioFailure {
  return { key: TWILIO_UNEXPECTED, transient: false, summary: reason };
}

export function startSmsWorker(options: SmsWorkerOptions): SmsWorker {
  const { queue, redis, logger, failures } = options;
  const log = logger.child({ component: 'sms-worker', queue: queue.name });

  async function fileFailure(job: Job<SmsJob>, failure: TwilioFailure): Promise<void> {
    try {
      await failures.record(job.data.phoneId, {
        key: failure.key,
        twilioCode: failure.twilioCode ?? null,
        challenge: job.data.challenge,
      });
    } catch (err) {
      log.error({ err, jobId: job.id }, 'could not record the SMS failure for the API');
    }
  }

  async function fail(job: Job<SmsJob>, failure: TwilioFailure): Promise<never> {
    const lastTry = !failure.transient || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (lastTry) await fileFailure(job, failure);
    if (!failure.transient) await job.discard();
    throw new SmsSendError(failure);
  }

  function open(job: Job<SmsJob>): SealedMessage {
    try {
      const message = JSON.parse(options.encryptor.decrypt(job.data.sealed)) as SealedMessage;
      if (typeof message.to !== 'string') throw new Error('no number');
      return message;
    } catch {
      throw new UnsendableSmsError('the sealed number/code cannot be read (encryption key removed?)');
    }
  }

  async function timedSend(provider: SmsProvider, message: OutgoingCode): Promise<{ ref: string | null }> {
    const labels = { provider: provider.name };
    const stopTimer = options.metrics?.smsSends.startTimer(labels);
    try {
      return await provider.send(message);
    } catch (err) {
      options.metrics?.smsFailures.inc(labels);
      throw err;
    } finally {
      stopTimer?.();
    }
  }

  async function processJob(job: Job<SmsJob>): Promise<SmsJobResult> {
    const sms = job.data;
    const jobLog = log.child({
      jobId: job.id,
      provider: sms.provider,
      channel: sms.channel,
      phoneId: sms.phoneId,
      attempt: job.attemptsMade + 1,
    });
    const markKey = smsSentMarkKey(options.keyPrefix, sms.idempotencyKey);

    if (await redis.exists(markKey)) {
      jobLog.info('code already sent for this event; skipping');
      return { status: 'already_sent', ref: null };
    }
    if (!(Date.parse(sms.expiresAt) > Date.now())) {
      jobLog.warn('the code expired before it could be sent; dropped (the user can ask for a new one)');
      return { status: 'expired', ref: null };
    }
    const provider = options.providers[sms.provider];
    if (!provider)
      return fail(job, unsendable(`no ${sms.provider} provider configured in this worker (BARONG_TWILIO_* settings)`));

    let ref: string | null;
    let to: string;
    try {
      const message = open(job);
      to = message.to;
      ({ ref } = await timedSend(provider, { to: message.to, code: message.code, channel: sms.channel }));
    } catch (err) {
      return fail(job, err instanceof UnsendableSmsError ? unsendable(err.message) : classifyTwilioError(err));
    }

    // Duplicate window, as for mail: a crash between Twilio's answer and this mark sends the code again.
    try {
      await redis.set(markKey, new Date().toISOString(), 'EX', SENT_MARK_TTL_SECONDS);
    } catch (err) {
      jobLog.warn({ err }, 'code sent but the sent-mark could not be written');
    }
    jobLog.info(
      { to: maskNumber(to), ref },
      sms.provider === 'mock' ? 'mock provider: no SMS sent' : 'verification code sent',
    );
    return { status: 'sent', ref };
  }

  queue.on('failed', (job: Job<SmsJob>, err: Error) => {
    const attempts = job.opts.attempts ?? 1;
    const failure = err instanceof SmsSendError ? err.failure : undefined;
    const fields = {
      jobId: job.id,
      provider: job.data.provider,
      phoneId: job.data.phoneId,
      attemptsMade: job.attemptsMade,
      attempts,
      key: failure?.key,
      twilioCode: failure?.twilioCode,
      reason: err instanceof SmsSendError ? err.message : err.name,
    };
    if (job.attemptsMade >= attempts || (failure && !failure.transient))
      log.error(fields, 'SMS job failed for good; the user is told at the next send_code/verify');
    else log.warn(fields, 'SMS attempt failed; will retry with backoff');
  });
  queue.on('stalled', (job: Job<SmsJob>) =>
    log.warn({ jobId: job.id }, 'SMS job stalled (worker died?); running it again'),
  );
  queue.on('error', (err: Error) => log.error({ err }, 'SMS queue error'));

  const processing = queue.process('*', options.concurrency ?? 1, processJob);
  processing.catch((err: unknown) => log.error({ err }, 'SMS worker stopped processing'));
  log.info({ concurrency: options.concurrency ?? 1, providers: Object.keys(options.providers) }, 'SMS worker started');

  return {
    async close() {
      log.info('SMS worker stopping: no new jobs; waiting for the jobs in hand');
      await queue.close();
      log.info('SMS worker stopped');
    },
  };
}
