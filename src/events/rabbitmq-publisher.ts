/**
 * Publishes Event API messages to RabbitMQ with publisher confirms: `publish` resolves only once the broker has
 * taken the message, and rejects on a nack, a lost connection or no answer in time. Connects lazily, on the first
 * publish, and again on the next publish after any connection or channel failure, so a broker that comes back is
 * used again without a restart.
 *
 * Exchanges are declared as Barong declares them: direct, not durable, not auto-deleted (Bunny's
 * `channel.direct(name)`; Barong's mailer, Peatio and postmaster declare the same). RabbitMQ refuses a
 * re-declaration with other properties (406 PRECONDITION_FAILED), so an exchange that already exists is used as it
 * is (checked passively first) and only a missing one is declared.
 */
import amqp, { type Channel, type ChannelModel, type ConfirmChannel } from 'amqplib';
import type { Logger } from '../lib/logger.js';

export interface PublisherOptions {
  connectTimeoutMs: number;
  /** How long a publish waits for the broker's confirm before it counts as failed. */
  confirmTimeoutMs: number;
}

export interface EventPublisher {
  publish(exchange: string, routingKey: string, body: Buffer, messageId: string): Promise<void>;
  close(): Promise<void>;
}

/** amqp://user:secret@host → amqp://user:***@host, for logs. */
export function redactAmqpUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '[unparsable URL]';
  }
}

interface Link {
  connection: ChannelModel;
  channel: ConfirmChannel;
  /** Exchanges checked or declared on this connection (one check per exchange, shared by concurrent publishes). */
  exchanges: Map<string, Promise<void>>;
}

export class RabbitMqPublisher implements EventPublisher {
  private link?: Promise<Link>;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
    private readonly options: PublisherOptions = { connectTimeoutMs: 5000, confirmTimeoutMs: 10_000 },
  ) {}

  async publish(exchange: string, routingKey: string, body: Buffer, messageId: string): Promise<void> {
    if (this.closed) throw new Error('event publisher is closed');
    const link = await this.connect();
    try {
      await this.ensureExchange(link, exchange);
      await this.confirmed(link.channel, exchange, routingKey, body, messageId);
    } catch (err) {
      this.drop(link);
      throw err;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const pending = this.link;
    this.link = undefined;
    if (!pending) return;
    const link = await pending.catch(() => undefined);
    await link?.connection.close().catch(() => undefined);
  }

  private connect(): Promise<Link> {
    if (!this.link) {
      const opening = this.open();
      this.link = opening;
      // A failed attempt is forgotten, so the next publish tries again.
      opening.catch(() => {
        if (this.link === opening) this.link = undefined;
      });
    }
    return this.link;
  }

  private async open(): Promise<Link> {
    const connection = await amqp.connect(this.url, {
      timeout: this.options.connectTimeoutMs,
      clientProperties: { connection_name: 'barong-event-api' },
    });
    const channel = await connection.createConfirmChannel().catch(async (err: unknown) => {
      await connection.close().catch(() => undefined);
      throw err;
    });
    const link: Link = { connection, channel, exchanges: new Map() };
    connection.on('error', (err: Error) =>
      this.logger.warn({ reason: err.message }, 'event API: RabbitMQ connection error'),
    );
    connection.on('close', () => this.forget(link));
    channel.on('error', (err: Error) => this.logger.warn({ reason: err.message }, 'event API: RabbitMQ channel error'));
    channel.on('close', () => this.drop(link));
    this.logger.info({ url: redactAmqpUrl(this.url) }, 'event API: connected to RabbitMQ');
    return link;
  }

  /** Passive check first (any existing declaration is fine); declare Barong's way only when missing. */
  private ensureExchange(link: Link, exchange: string): Promise<void> {
    let ready = link.exchanges.get(exchange);
    if (!ready) {
      ready = this.checkOrDeclare(link, exchange);
      link.exchanges.set(exchange, ready);
      ready.catch(() => link.exchanges.delete(exchange));
    }
    return ready;
  }

  private async checkOrDeclare(link: Link, exchange: string): Promise<void> {
    const probe = async (use: (ch: Channel) => Promise<unknown>): Promise<boolean> => {
      const ch = await link.connection.createChannel();
      ch.on('error', () => undefined); // a 404 on the passive check closes this throw-away channel; expected
      try {
        await use(ch);
        return true;
      } catch {
        return false;
      } finally {
        await ch.close().catch(() => undefined);
      }
    };
    const exists = await probe((ch) => ch.checkExchange(exchange));
    if (!exists) {
      let declareError: unknown;
      const declared = await probe((ch) =>
        ch.assertExchange(exchange, 'direct', { durable: false, autoDelete: false }).catch((err: unknown) => {
          declareError = err;
          throw err;
        }),
      );
      if (!declared)
        throw declareError instanceof Error ? declareError : new Error(`cannot declare exchange ${exchange}`);
    }
  }

  private confirmed(
    channel: ConfirmChannel,
    exchange: string,
    routingKey: string,
    body: Buffer,
    messageId: string,
  ): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`RabbitMQ did not confirm the message within ${this.options.confirmTimeoutMs} ms`)),
        this.options.confirmTimeoutMs,
      );
      try {
        channel.publish(
          exchange,
          routingKey,
          body,
          {
            contentType: 'application/json',
            persistent: true,
            messageId,
            timestamp: Math.floor(Date.now() / 1000),
            appId: 'barong',
          },
          (err: unknown) => {
            clearTimeout(timer);
            if (err) reject(err instanceof Error ? err : new Error('RabbitMQ refused the message (nack)'));
            else resolve();
          },
        );
      } catch (err) {
        clearTimeout(timer);
        reject(err);
      }
    });
  }

  /** The link is unusable: forget it and close what is left, so the next publish reconnects. */
  private drop(link: Link): void {
    this.forget(link);
    link.connection.close().catch(() => undefined);
  }

  private forget(link: Link): void {
    const pending = this.link;
    void pending?.then(
      (current) => {
        if (current === link && this.link === pending) this.link = undefined;
      },
      () => undefined,
    );
  }
}
