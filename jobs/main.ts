/**
 * The worker process: `node --import tsx jobs/main.ts` runs the outbox relay (which turns committed work into mail
 * and SMS jobs, deferred commands and, with the Event API on, RabbitMQ messages) and the mail and SMS workers;
 * `--with-api` also runs the API in the same process (one-box deployments). SIGTERM/SIGINT: stop the API, let the job in hand finish, close
 * queues and connections, exit 0.
 */
import '../src/config/thread-pool.js'; // first: sizes libuv's pool before anything starts it
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import type { Config } from '../src/config/index.js';
import { loadConfigOrExit, startApi } from '../src/start-api.js';
import { exitWhenIdle } from '../src/lib/exit-when-idle.js';
import { createLogger, type Logger } from '../src/lib/logger.js';
import { createQueue } from '../src/queues/create-queue.js';
import { MAIL_QUEUE_NAME, type QueuedMail } from '../src/queues/mail-queue.js';
import { Encryptor } from '../src/lib/encryptor.js';
import { DevInbox, devInboxKey } from '../src/lib/dev-inbox.js';
import { startMailWorker } from './mail/mail-worker.js';
import { loadMailTemplates } from './mail/render.js';
import { startSmsRole } from './sms/start-sms-worker.js'; // SMS: phone verification codes
import { startOutboxRelay } from '../src/events/start-outbox-relay.js';
import { createRedis, type RedisClient } from '../src/lib/redis.js';
import { processMetrics } from '../src/lib/metrics.js';
import { startMetricsServer } from '../src/api/operator/metrics-server.js';

/** Past this, shutdown gives up waiting (e.g. an SMTP server that never answers) and exits non-zero. */
const SHUTDOWN_TIMEOUT_MS = 60_000;

/**
 * Pooled: a handful of SMTP connections opened once and reused for every mail (a new connection per mail, with its
 * greeting, EHLO, STARTTLS and AUTH, cost about 100 ms each). A connection is replaced after 100 messages or when
 * the server drops it; mails wait for a free connection.
 */
export function createSmtpTransport(smtp: Config['smtp'] & { host: string }) {
  return nodemailer.createTransport({
    pool: true,
    maxConnections: smtp.poolSize,
    host: smtp.host,
    port: smtp.port,
    secure: smtp.port === 465,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
  });
}

/**
 * The SMTP server mail goes to: the configured one, or (no BARONG_SMTP_HOST, never in production: the configuration
 * refuses that) the development inbox's own, started here on a loopback port.
 */
async function mailTarget(config: Config, redis: RedisClient, logger: Logger) {
  if (config.smtp.host) return { smtp: { ...config.smtp, host: config.smtp.host }, close: async () => {} };
  const inbox = new DevInbox(
    redis,
    devInboxKey(config.redisPrefix),
    new Encryptor(config.encryptionKeys, config.blindIndexKeys),
  );
  // Loaded only here, so a worker with an SMTP server (every production one) never carries smtp-server and mailparser.
  const { startDevSmtpInbox } = await import('./mail/dev-smtp-inbox.js');
  const catcher = await startDevSmtpInbox(inbox, logger);
  logger.info(
    { smtp: `${catcher.host}:${catcher.port}` },
    'no BARONG_SMTP_HOST: mail goes to the development inbox, shown by the API at /dev/inbox',
  );
  return {
    smtp: { ...config.smtp, host: catcher.host, port: catcher.port, user: undefined, password: undefined },
    close: catcher.close,
  };
}

/** The worker's whole graph (outbox relay, SMTP transport, Redis, queues, workers); exported so tests can run the real thing. */
export async function startWorker(config: Config, logger: Logger): Promise<{ stop(): Promise<void> }> {
  // Fail at start, not on the first job, when a template file is broken or missing.
  logger.info({ templates: loadMailTemplates(), defaultLanguage: config.defaultLanguage }, 'mail templates loaded');

  const redis = createRedis(config.redis, 'barong-mail-marks');
  const target = await mailTarget(config, redis, logger);
  const transport = createSmtpTransport(target.smtp);
  const smtpTarget = {
    host: target.smtp.host,
    port: target.smtp.port,
    auth: Boolean(target.smtp.user),
    poolSize: target.smtp.poolSize,
  };
  // Not fatal: jobs wait and retry, but a wrong SMTP setting should be visible in the first lines of the log.
  transport.verify().then(
    () => logger.info(smtpTarget, 'SMTP server reachable'),
    (err: Error) =>
      logger.warn({ ...smtpTarget, reason: err.message }, 'SMTP server not reachable yet; mail will retry'),
  );

  // One registry for the process: with --with-api the API's /metrics shows the worker's series too.
  const metrics = processMetrics(config.metrics.enabled);
  metrics.watchRedis(redis, 'barong-mail-marks', (err) =>
    logger.warn({ reason: err.message }, 'mail marks: Redis error'),
  );
  const queue = createQueue<QueuedMail>(MAIL_QUEUE_NAME, {
    redis: config.redis,
    prefix: config.redisPrefix,
    ratePerSecond: config.mailDelivery.ratePerSecond,
  });
  const unwatchQueue = metrics.watchQueue(queue);
  metrics.watchRedis(queue, 'bull-mail'); // Bull's Redis errors; the mail worker logs them
  const worker = startMailWorker({
    queue,
    transport,
    encryptor: new Encryptor(config.encryptionKeys, config.blindIndexKeys),
    redis,
    keyPrefix: config.redisPrefix,
    render: {
      domain: config.app.domain,
      appName: config.app.name,
      logoLink: config.smtp.logoLink ?? null,
      defaultLanguage: config.defaultLanguage,
    },
    from: { name: config.smtp.senderName, address: config.smtp.senderEmail },
    logger,
    concurrency: config.mailDelivery.concurrency,
    metrics,
  });

  // SMS: phone codes from the `sms` queue, sent with the provider each job names (jobs/sms/).
  const sms = await startSmsRole(config, logger, metrics);

  // The outbox: every piece of work the API deferred (src/events/); several workers are safe.
  const relay = await startOutboxRelay(config, logger);

  return {
    async stop() {
      unwatchQueue();
      await relay.stop();
      await Promise.all([worker.close(), sms.stop()]);
      transport.close();
      await target.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel, 'barong-worker');
  const withApi = process.argv.includes('--with-api');

  const worker = await startWorker(config, logger);
  const api = withApi ? await startApi(config) : undefined;
  // Alone, the worker has no HTTP port of its own: its series get the metrics listener (the API's serves them otherwise).
  const metricsServer = withApi ? undefined : await startMetricsServer(config, logger, processMetrics(), 'worker');

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing the jobs in hand');
    setTimeout(() => {
      logger.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    // API first, so no new mail is enqueued by this process while the worker drains.
    (async () => {
      if (api) await api.stop();
      await metricsServer?.close();
      await worker.stop();
    })().then(
      () => {
        logger.info('stopped');
        exitWhenIdle(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        exitWhenIdle(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
