/**
 * Takes mail jobs off the queue, renders them and hands them to SMTP. At-least-once, with a sent-mark in Redis
 * so one event is not mailed twice when a job runs again (retry after a late failure, stalled job, duplicate
 * enqueue after the first job was cleaned up). Several jobs run at once (`concurrency`) over the transport's
 * pooled connections; two jobs of one event are never in hand together, since the event's key is the job id.
 */
import { createHash } from 'node:crypto';
import type { Transporter } from 'nodemailer';
import type { Job, Queue } from '../../src/queues/create-queue.js';
import { openMail, type MailJob, type QueuedMail } from '../../src/queues/mail-queue.js';
import type { Encryptor } from '../../src/lib/encryptor.js';
import type { Logger } from '../../src/lib/logger.js';
import type { Metrics } from '../../src/lib/metrics.js';
import { MailRenderError, renderMail, type RenderOptions } from './render.js';
import type { RedisClient } from '../../src/lib/redis.js';

export interface MailWorkerOptions {
  queue: Queue<QueuedMail>;
  transport: Transporter;
  /** Opens the sealed recipient and data (the personal-data keys, config.encryptionKeys). */
  encryptor: Pick<Encryptor, 'encrypt' | 'decrypt'>;
  /** Plain ioredis (no `keyPrefix`), used for the sent-marks. */
  redis: RedisClient;
  /** Deployment key prefix (config.redisPrefix); marks are `${keyPrefix}mail:sent:<idempotency key>`. */
  keyPrefix: string;
  render: RenderOptions;
  from: { name: string; address: string };
  logger: Logger;
  /** Each SMTP attempt's time and failures (`barong_mail_send_*`, provider `smtp`). */
  metrics?: Pick<Metrics, 'mailSends' | 'mailFailures'>;
  concurrency?: number;
}

export interface MailWorker {
  /** Stops taking jobs, waits for the ones in hand, closes the queue. */
  close(): Promise<void>;
}

/** How often a worker that lost its SMTP server asks it again (nodemailer's `verify`: connect, greet, quit). */
const SMTP_PROBE_INTERVAL_MS = 1000;

/**
 * Nodemailer's codes for an SMTP server out of reach (refused, reset, timed out, not resolved) and the server's own
 * 421 "service not available": nothing is wrong with the mail, only with the way to the server.
 */
const UNREACHABLE_CODES = new Set(['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS']);

function smtpUnreachable(err: unknown): boolean {
  const e = err as { code?: string; responseCode?: number };
  return (e?.code !== undefined && UNREACHABLE_CODES.has(e.code)) || e?.responseCode === 421;
}

export type MailJobResult = { status: 'sent' | 'already_sent'; messageId: string };

export const SENT_MARK_TTL_SECONDS = 7 * 24 * 3600;

export function sentMarkKey(keyPrefix: string, idempotencyKey: string): string {
  return `${keyPrefix}mail:sent:${idempotencyKey}`;
}

/** Same event → same Message-ID, so a duplicate that slips through can still be folded by the receiving side. */
export function messageIdFor(idempotencyKey: string, senderAddress: string): string {
  const host = senderAddress.split('@')[1] || 'localhost';
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}@${host}>`;
}

/** `jane@example.com` → `j***@example.com`: enough to answer "was it sent?", without the full address in logs. */
function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  return at > 0 ? `${address[0]}***${address.slice(at)}` : '***';
}

export function startMailWorker(options: MailWorkerOptions): MailWorker {
  const { queue, transport, redis, logger } = options;
  const log = logger.child({ component: 'mail-worker', queue: queue.name });
  const from = { name: options.from.name, address: options.from.address };

  async function timedSend(send: () => Promise<unknown>): Promise<void> {
    const stopTimer = options.metrics?.mailSends.startTimer({ provider: 'smtp' });
    try {
      await send();
    } catch (err) {
      options.metrics?.mailFailures.inc({ provider: 'smtp' });
      throw err;
    } finally {
      stopTimer?.();
    }
  }

  async function processJob(job: Job<QueuedMail>): Promise<MailJobResult> {
    const mail = openJob(job);
    const messageId = messageIdFor(mail.idempotencyKey, from.address);
    const jobLog = log.child({ jobId: job.id, template: mail.template, messageId, attempt: job.attemptsMade + 1 });
    const markKey = sentMarkKey(options.keyPrefix, mail.idempotencyKey);

    if (await redis.exists(markKey)) {
      jobLog.info('mail already sent for this event; skipping');
      return { status: 'already_sent', messageId };
    }

    let rendered;
    try {
      rendered = renderMail(mail, options.render);
    } catch (err) {
      // Broken data or template: no retry can fix it, so go straight to the failed set.
      if (err instanceof MailRenderError) await job.discard();
      throw err;
    }

    // Duplicate window, stated honestly: if the process dies (or Redis fails) after the SMTP server accepted the
    // message and before the mark below is written, the job runs again and the mail goes out a second time,
    // with the same Message-ID. Marking before sending would close that window but could lose the mail instead.
    try {
      await timedSend(() =>
        transport.sendMail({
          from,
          to: mail.to,
          subject: rendered.subject,
          html: rendered.html,
          text: rendered.text,
          messageId,
        }),
      );
    } catch (err) {
      if (smtpUnreachable(err)) holdUntilReachable(err);
      throw err;
    }

    try {
      await redis.set(markKey, new Date().toISOString(), 'EX', SENT_MARK_TTL_SECONDS);
    } catch (err) {
      // The mail is out; failing the job now would only send it again.
      jobLog.warn({ err }, 'mail sent but the sent-mark could not be written');
    }
    jobLog.info({ to: maskAddress(mail.to), language: mail.language ?? null }, 'mail sent');
    return { status: 'sent', messageId };
  }

  /*
   * While the SMTP server is out of reach every job would use up its attempts in a minute or so (5 tries, 2-16 s
   * apart) and land in the failed set: an outage longer than that would lose mail. Instead the worker stops taking
   * jobs (a local pause: other workers decide for themselves) and asks the server every second; once it answers, the
   * worker takes jobs again. Only the jobs in hand when the outage began spend an attempt.
   */
  let holding = false;
  let closing = false;
  function holdUntilReachable(cause: unknown): void {
    if (holding || closing) return;
    holding = true;
    log.warn({ err: cause }, 'SMTP server out of reach; holding the mail queue until it answers');
    void (async () => {
      try {
        await queue.pause(true, true);
        while (!closing) {
          await new Promise((resolve) => setTimeout(resolve, SMTP_PROBE_INTERVAL_MS));
          if (await transport.verify().catch(() => false)) break;
        }
        if (!closing) {
          await queue.resume(true);
          log.info('SMTP server answers again; taking mail jobs');
        }
      } catch (err) {
        log.error({ err }, 'mail queue could not be held or resumed');
      } finally {
        holding = false;
      }
    })();
  }

  /** A job whose sealed part cannot be opened (a removed key) can never be sent: straight to the failed set. */
  function openJob(job: Job<QueuedMail>): MailJob {
    try {
      return openMail(job.data, options.encryptor);
    } catch (err) {
      void job.discard(); // synchronous in Bull, typed as a promise
      throw new MailRenderError(
        `the sealed recipient and data cannot be read (encryption key removed?): ${(err as Error).message}`,
      );
    }
  }

  queue.on('failed', (job: Job<QueuedMail>, err: Error) => {
    const attempts = job.opts.attempts ?? 1;
    const fields = {
      jobId: job.id,
      template: job.data.template,
      attemptsMade: job.attemptsMade,
      attempts,
      reason: err.message,
    };
    if (job.attemptsMade >= attempts || err instanceof MailRenderError)
      log.error(fields, 'mail job failed for good; left in the failed set');
    else log.warn(fields, 'mail attempt failed; will retry with backoff');
  });
  queue.on('stalled', (job: Job<QueuedMail>) =>
    log.warn({ jobId: job.id }, 'mail job stalled (worker died?); running it again'),
  );
  queue.on('error', (err: Error) => log.error({ err }, 'mail queue error'));

  const processing = queue.process('*', options.concurrency ?? 1, processJob);
  processing.catch((err: unknown) => log.error({ err }, 'mail worker stopped processing'));
  log.info({ concurrency: options.concurrency ?? 1 }, 'mail worker started');

  return {
    async close() {
      log.info('mail worker stopping: no new jobs; waiting for the jobs in hand');
      closing = true;
      await queue.close();
      log.info('mail worker stopped');
    },
  };
}
