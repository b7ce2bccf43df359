/**
 * The outbox relay with everything it needs, for the worker process (jobs/main.ts): its own small database pool
 * and Redis connections, the mail and SMS queues it feeds, the deferred commands it carries out (with the token
 * signing they need, and the file storage for erased users' files), and — with the Event API on — the server's
 * signing key and a RabbitMQ publisher. Relays in several worker processes are safe (each row is claimed by one).
 */
import type { Config } from '../config/index.js';
import type { Logger } from '../lib/logger.js';
import { createKnex } from '../db/knex.js';
import { createRedis, duplicateRedis, RedisKeys } from '../lib/redis.js';
import { processMetrics } from '../lib/metrics.js';
import { Encryptor } from '../lib/encryptor.js';
import { EventOutboxRepository } from '../db/repositories/event-outbox-repository.js';
import { repositories } from '../db/repositories/index.js';
import { RetentionSweeper, SWEEP_EVERY_MS } from '../domain/retention/retention-sweeper.js';
import { EventDispatcher } from '../domain/events/event-dispatcher.js';
import { UnitOfWork } from '../domain/unit-of-work.js';
import { startKeyRing } from '../domain/keys/key-ring.js';
import { AccountTokens } from '../domain/tokens/account-tokens.js';
import { AccountLinks } from '../domain/accounts/account-links.js';
import { deferredRequestHandlers } from '../domain/accounts/deferred-requests.js';
import { ERASED_FILES, erasedFilesHandler } from '../domain/admin/erased-files.js';
import { createFileStorage } from '../lib/storage/create-file-storage.js';
import { createMailQueue } from '../queues/mail-queue.js';
import { mailConsumer } from '../queues/mail-consumer.js';
import { createSmsQueue } from '../queues/sms-queue.js';
import { smsConsumer } from '../queues/sms-consumer.js';
import { EventOutbox } from './event-outbox.js';
import { outboxCodec } from './outbox-codec.js';
import { outboxNudgeChannel, outboxWants } from './outbox-wants.js';
import { OutboxRelay, type OutboxConsumer } from './outbox-relay.js';
import { commandConsumer, type CommandHandler } from './command-consumer.js';
import { eventApiConsumer } from './event-api-consumer.js';
import { RabbitMqPublisher, redactAmqpUrl } from './rabbitmq-publisher.js';

export interface OutboxRelayHandle {
  relay: OutboxRelay;
  /** Deletes sent outbox rows and (when configured) old activities, every few minutes. */
  retention: RetentionSweeper;
  /** Starts polling and listening for nudges. */
  start(): Promise<void>;
  /** Stops polling, lets the pass in hand finish, closes the queues, connections and the pool. */
  stop(): Promise<void>;
}

const RELAY_POOL_MAX = 4;

/** Builds the relay without starting it (tests drain it by hand). */
export async function createOutboxRelay(config: Config, logger: Logger): Promise<OutboxRelayHandle> {
  const { eventApi } = config;
  const knex = createKnex({ ...config.database, poolMax: RELAY_POOL_MAX });
  const redis = createRedis(config.redis, 'barong-outbox');
  const keys = new RedisKeys(config.redisPrefix);
  const encryptor = new Encryptor(config.encryptionKeys, config.blindIndexKeys);
  const jwtKeys = await startKeyRing({ config, logger, knex, encryptor });
  const codec = outboxCodec(encryptor);
  const channel = outboxNudgeChannel(config.redisPrefix);
  let relay: OutboxRelay | undefined;
  const nudge = () => {
    relay?.wake();
    redis.publish(channel, '1').catch(() => undefined); // relays in other processes; they also poll
  };
  const uow = new UnitOfWork(
    knex,
    new EventDispatcher(logger),
    new EventOutbox({ codec, wants: outboxWants(eventApi.enabled), nudge }),
  );

  const queueOptions = { redis: config.redis, prefix: config.redisPrefix };
  const mailQueue = createMailQueue(queueOptions, encryptor);
  const smsQueue = createSmsQueue(queueOptions);
  const links = new AccountLinks(config, new AccountTokens(jwtKeys, redis, keys, config.jwt.expireTime));
  const publisher = eventApi.enabled
    ? new RabbitMqPublisher(eventApi.url, logger, {
        connectTimeoutMs: eventApi.connectTimeoutMs,
        confirmTimeoutMs: eventApi.confirmTimeoutMs,
      })
    : undefined;
  // Files of erased users (the S3 client loads only for the s3 provider).
  const storage = await createFileStorage(config);
  const commands = { ...deferredRequestHandlers(links), [ERASED_FILES]: erasedFilesHandler(storage) };
  const consumers: OutboxConsumer[] = [
    commandConsumer(uow, commands as Record<string, CommandHandler>),
    mailConsumer(mailQueue),
    smsConsumer(smsQueue),
    ...(publisher ? [eventApiConsumer(publisher, jwtKeys)] : []),
  ];
  const outbox = new EventOutboxRepository(knex, codec);
  // The worker's series: its pool, its Redis, the queues it feeds and the outbox, read when scraped.
  const metrics = processMetrics(config.metrics.enabled);
  const unwatch = [
    metrics.watchPool(knex, 'relay'),
    metrics.watchQueue(mailQueue),
    metrics.watchQueue(smsQueue),
    metrics.watchOutbox(() => outbox.backlog()),
  ];
  metrics.watchRedis(redis, 'barong-outbox', (err) =>
    logger.warn({ reason: err.message }, 'outbox relay: Redis error'),
  );
  relay = new OutboxRelay({ outbox, consumers, logger, options: eventApi.relay });
  const retention = new RetentionSweeper({
    outbox,
    activities: repositories(knex).activities,
    logger,
    options: {
      outboxRetentionMs: eventApi.relay.retentionMs,
      activityRetentionDays: config.retention.activityRetentionDays,
      everyMs: SWEEP_EVERY_MS,
    },
  });
  const subscriber = duplicateRedis(redis, 'barong-outbox-nudges');

  return {
    relay,
    retention,
    async start() {
      subscriber.on('message', () => relay.wake());
      await subscriber.subscribe(channel);
      relay.start();
      retention.start();
      logger.info(
        {
          consumers: consumers.map((c) => c.name),
          ...(publisher ? { eventApi: redactAmqpUrl(eventApi.url) } : {}),
          ...eventApi.relay,
          activityRetentionDays: config.retention.activityRetentionDays,
        },
        'outbox relay started',
      );
    },
    async stop() {
      await Promise.all([relay.stop(), retention.stop()]);
      for (const stopWatching of unwatch) stopWatching();
      jwtKeys.stop();
      await Promise.allSettled([publisher?.close(), mailQueue.close(), smsQueue.close()]);
      storage.close?.();
      subscriber.disconnect();
      await redis.quit().catch(() => redis.disconnect());
      await knex.destroy();
    },
  };
}

export async function startOutboxRelay(config: Config, logger: Logger): Promise<OutboxRelayHandle> {
  const handle = await createOutboxRelay(config, logger);
  await handle.start();
  return handle;
}
