/** The SMS worker's whole graph from the configuration (Redis, queue, providers); jobs/main.ts starts it beside the mail worker. */
import type { Config } from '../../src/config/index.js';
import type { Logger } from '../../src/lib/logger.js';
import { Encryptor } from '../../src/lib/encryptor.js';
import { createRedis, RedisKeys } from '../../src/lib/redis.js';
import { DevInbox, devInboxKey } from '../../src/lib/dev-inbox.js';
import { processMetrics, type Metrics } from '../../src/lib/metrics.js';
import { createQueue } from '../../src/queues/create-queue.js';
import { SMS_QUEUE_NAME, type SmsJob } from '../../src/queues/sms-queue.js';
import { SmsFailures } from '../../src/domain/phones/sms-failures.js';
import { createSmsProviders } from './sms-providers.js';
import { startSmsWorker } from './sms-worker.js';

export async function startSmsRole(
  config: Config,
  logger: Logger,
  metrics: Metrics = processMetrics(config.metrics.enabled),
): Promise<{ stop(): Promise<void> }> {
  const target = { verification: config.phoneVerification, twilioApi: config.twilio.apiBase ?? 'https://*.twilio.com' };
  if (config.phoneVerification === 'mock' && config.devInbox) {
    logger.warn(
      target,
      'BARONG_PHONE_VERIFICATION=mock: phone codes are NOT sent by SMS; they go to the development inbox (/dev/inbox)',
    );
  } else if (config.phoneVerification === 'mock') {
    logger.warn(
      target,
      'BARONG_PHONE_VERIFICATION=mock: phone codes are NOT sent and phones cannot be verified. Set twilio_sms or twilio_verify (with BARONG_TWILIO_*) for real SMS',
    );
  } else {
    logger.info(target, 'phone codes are sent through Twilio');
  }

  const redis = createRedis(config.redis, 'barong-sms-marks');
  metrics.watchRedis(redis, 'barong-sms-marks', (err) =>
    logger.warn({ reason: err.message }, 'SMS marks: Redis error'),
  );
  const encryptor = new Encryptor(config.encryptionKeys, config.blindIndexKeys);
  const devInbox = config.devInbox ? new DevInbox(redis, devInboxKey(config.redisPrefix), encryptor) : undefined;
  const queue = createQueue<SmsJob>(SMS_QUEUE_NAME, {
    redis: config.redis,
    prefix: config.redisPrefix,
    ratePerSecond: config.smsDelivery.ratePerSecond,
  });
  const unwatchQueue = metrics.watchQueue(queue);
  metrics.watchRedis(queue, 'bull-sms'); // Bull's Redis errors; the SMS worker logs them
  const worker = startSmsWorker({
    queue,
    providers: createSmsProviders(config, logger, devInbox),
    redis,
    keyPrefix: config.redisPrefix,
    encryptor,
    failures: new SmsFailures(redis, new RedisKeys(config.redisPrefix), config.phoneCodes.ttlSeconds),
    logger,
    concurrency: config.smsDelivery.concurrency,
    metrics,
  });

  return {
    async stop() {
      unwatchQueue();
      await worker.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
