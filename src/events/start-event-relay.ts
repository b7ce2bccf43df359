/**
 * The outbox relay with everything it needs, for the worker process (jobs/main.ts): its own small database
 * pool, the server's signing key (the same loading as the API's, src/compose.ts), and a RabbitMQ publisher.
 * Only started when the Event API is on (config.eventApi.enabled).
 */
import type { Config } from '../config.js';
import type { Logger } from '../lib/logger.js';
import { createKnex } from '../db/knex.js';
import { loadJwtKeys } from '../lib/signing-key.js';
import { EventOutboxRepository } from '../db/repositories/event-outbox-repository.js';
import { OutboxRelay } from './outbox-relay.js';
import { Encryptor } from '../lib/encryptor.js';
import { outboxCodec } from './outbox-codec.js';
import { RabbitMqPublisher, redactAmqpUrl } from './rabbitmq-publisher.js';

export interface EventRelayHandle {
  relay: OutboxRelay;
  /** Stops polling, lets the pass in hand finish, closes the RabbitMQ connection and the pool. */
  stop(): Promise<void>;
}

const RELAY_POOL_MAX = 2;

export async function startEventRelay(config: Config, logger: Logger): Promise<EventRelayHandle> {
  const { eventApi } = config;
  const keys = await loadJwtKeys(config, logger);
  const knex = createKnex({ ...config.database, poolMax: RELAY_POOL_MAX });
  const publisher = new RabbitMqPublisher(eventApi.url, logger, {
    connectTimeoutMs: eventApi.connectTimeoutMs,
    confirmTimeoutMs: eventApi.confirmTimeoutMs,
  });
  const relay = new OutboxRelay({
    outbox: new EventOutboxRepository(knex, outboxCodec(new Encryptor(config.encryptionKeys))),
    publisher,
    signingKey: { privateKey: keys.privateKey, alg: keys.alg },
    logger,
    options: eventApi.relay,
  });
  relay.start();
  logger.info({ url: redactAmqpUrl(eventApi.url), ...eventApi.relay }, 'event API: outbox relay started');
  return {
    relay,
    async stop() {
      await relay.stop();
      await publisher.close();
      await knex.destroy();
    },
  };
}
