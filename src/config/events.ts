import { z } from 'zod';
import { defineArea } from './area.js';
import { int, optional } from './values.js';

export interface EventApiSettings {
  /**
   * Publishing Barong's `system.*` and `model.*` events to RabbitMQ, on only when EVENT_API_RABBITMQ_URL or a RabbitMQ
   * host is set. Events go to the `event_outbox` table in their transaction; the worker's relay publishes them (src/events/).
   */
  eventApi: {
    enabled: boolean;
    /** amqp(s) URL with credentials: log it only through redactAmqpUrl. */
    url: string;
    connectTimeoutMs: number;
    confirmTimeoutMs: number;
    relay: {
      /** Pause between passes when there is nothing (more) to do and no nudge arrives. */
      pollIntervalMs: number;
      batchSize: number;
      /** How long a claim holds its rows; longer than a batch can take (signing + confirms). */
      leaseMs: number;
      /** Retry delays: base × 2^(failures − 1), capped, ±20 % jitter. */
      retryBaseMs: number;
      retryMaxMs: number;
      /** Sent rows older than this are deleted (0: kept forever). */
      retentionMs: number;
    };
  };
}

const EVENT_API_CONNECT_TIMEOUT_MS = 5000;

const amqpPort = () => z.coerce.number().int().min(1).max(65535).optional();

// Barong reads both spellings: its publisher the plain EVENT_API_RABBITMQ_*, its mailer BARONG_EVENT_API_RABBITMQ_*.
const plainSpelling = (name: string) => `Barong's publisher's spelling of \`BARONG_${name}\`, read when that is unset`;

export const events = defineArea({
  title: 'Event API (RabbitMQ)',
  secrets: [
    'EVENT_API_RABBITMQ_URL',
    'BARONG_EVENT_API_RABBITMQ_URL',
    'BARONG_EVENT_API_RABBITMQ_PASSWORD',
    'EVENT_API_RABBITMQ_PASSWORD',
  ],
  shape: {
    EVENT_API_RABBITMQ_URL: optional.meta({
      description: 'turns the Event API on and overrides the host, port, user and password',
      values: '`amqp://user:pass@host:port/vhost` (or `amqps://`)',
    }),
    BARONG_EVENT_API_RABBITMQ_URL: optional.meta({
      description: "Barong's mailer's spelling of `EVENT_API_RABBITMQ_URL`, read when that is unset",
      values: '`amqp://…` or `amqps://…`',
    }),
    BARONG_EVENT_API_RABBITMQ_HOST: optional.meta({
      description: 'RabbitMQ host; setting it turns the Event API on',
      default: '— (`localhost` when only port, user or password is set)',
    }),
    EVENT_API_RABBITMQ_HOST: optional.describe(plainSpelling('EVENT_API_RABBITMQ_HOST')),
    BARONG_EVENT_API_RABBITMQ_PORT: amqpPort().meta({ description: 'RabbitMQ port', default: '`5672`' }),
    EVENT_API_RABBITMQ_PORT: amqpPort().describe(plainSpelling('EVENT_API_RABBITMQ_PORT')),
    BARONG_EVENT_API_RABBITMQ_USERNAME: optional.meta({ description: 'RabbitMQ user', default: '`guest`' }),
    EVENT_API_RABBITMQ_USERNAME: optional.describe(plainSpelling('EVENT_API_RABBITMQ_USERNAME')),
    BARONG_EVENT_API_RABBITMQ_PASSWORD: optional.meta({ description: 'RabbitMQ password', default: '`guest`' }),
    EVENT_API_RABBITMQ_PASSWORD: optional.describe(plainSpelling('EVENT_API_RABBITMQ_PASSWORD')),
    BARONG_EVENT_API_RELAY_INTERVAL: int(500, 10).describe(
      "ms between the relay's polls of the outbox when it is idle",
    ),
    BARONG_EVENT_API_RELAY_BATCH_SIZE: int(100, 1).describe('rows a relay claims and publishes at once'),
    BARONG_EVENT_API_RETRY_BASE_DELAY: int(1000, 10).describe(
      'ms; a failed publish waits base × 2^(failures − 1), at most the max',
    ),
    BARONG_EVENT_API_RETRY_MAX_DELAY: int(300_000, 10).meta({
      description: 'ms; the longest wait before a failed publish is retried',
      values: 'integer ≥ `BARONG_EVENT_API_RETRY_BASE_DELAY`',
    }),
    BARONG_EVENT_API_CONFIRM_TIMEOUT: int(10_000, 100).describe(
      "ms a publish waits for RabbitMQ's confirm before it counts as failed",
    ),
    BARONG_EVENT_API_OUTBOX_RETENTION: int(168, 0).describe(
      'hours sent rows are kept in `event_outbox` (`0`: forever)',
    ),
  },
  read(e, { problems }): EventApiSettings {
    const explicitUrl = e.EVENT_API_RABBITMQ_URL ?? e.BARONG_EVENT_API_RABBITMQ_URL;
    const host = e.BARONG_EVENT_API_RABBITMQ_HOST ?? e.EVENT_API_RABBITMQ_HOST;
    if (explicitUrl && !/^amqps?:\/\/[^/]/.test(explicitUrl)) {
      problems.push(
        'EVENT_API_RABBITMQ_URL: must be an amqp:// or amqps:// URL such as amqp://guest:guest@127.0.0.1:5672',
      );
    }
    const port = e.BARONG_EVENT_API_RABBITMQ_PORT ?? e.EVENT_API_RABBITMQ_PORT ?? 5672;
    const user = e.BARONG_EVENT_API_RABBITMQ_USERNAME ?? e.EVENT_API_RABBITMQ_USERNAME ?? 'guest';
    const password = e.BARONG_EVENT_API_RABBITMQ_PASSWORD ?? e.EVENT_API_RABBITMQ_PASSWORD ?? 'guest';
    const url =
      explicitUrl ??
      `amqp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host ?? 'localhost'}:${port}`;
    if (e.BARONG_EVENT_API_RETRY_MAX_DELAY < e.BARONG_EVENT_API_RETRY_BASE_DELAY) {
      problems.push('BARONG_EVENT_API_RETRY_MAX_DELAY: must not be below BARONG_EVENT_API_RETRY_BASE_DELAY');
    }
    const confirmTimeoutMs = e.BARONG_EVENT_API_CONFIRM_TIMEOUT;
    return {
      eventApi: {
        enabled: Boolean(explicitUrl ?? host),
        url,
        connectTimeoutMs: EVENT_API_CONNECT_TIMEOUT_MS,
        confirmTimeoutMs,
        relay: {
          pollIntervalMs: e.BARONG_EVENT_API_RELAY_INTERVAL,
          batchSize: e.BARONG_EVENT_API_RELAY_BATCH_SIZE,
          // A claim outlives the slowest batch: connecting, then every confirm's wait, plus room for the database.
          leaseMs: EVENT_API_CONNECT_TIMEOUT_MS + confirmTimeoutMs + 30_000,
          retryBaseMs: e.BARONG_EVENT_API_RETRY_BASE_DELAY,
          retryMaxMs: e.BARONG_EVENT_API_RETRY_MAX_DELAY,
          retentionMs: e.BARONG_EVENT_API_OUTBOX_RETENTION * 3_600_000,
        },
      },
    };
  },
});
