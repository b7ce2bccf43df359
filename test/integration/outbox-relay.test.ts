/**
 * The outbox relay under contention: several relays, each with its own pool (as in several worker processes),
 * draining one outbox in small batches. Every row is delivered once and marked sent, even when InnoDB picks one
 * relay's UPDATE as a deadlock victim (it is run again, never left half done).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import knex, { type Knex } from 'knex';
import { createLogger } from '../../src/lib/logger.js';
import { knexConfig } from '../../src/db/knex-config.js';
import { EventOutboxRepository } from '../../src/db/repositories/event-outbox-repository.js';
import { OutboxRelay, type OutboxConsumer } from '../../src/events/outbox-relay.js';
import { outboxCodec } from '../../src/events/outbox-codec.js';
import { startTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
const pools: Knex[] = [];

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.destroy()));
  await t?.close();
});

const OPTIONS = { pollIntervalMs: 10, batchSize: 2, leaseMs: 60_000, retryBaseMs: 10, retryMaxMs: 50, retentionMs: 0 };

describe('outbox relay', () => {
  it('delivers each of 300 rows exactly once with four competing relays', async () => {
    const codec = outboxCodec(t.services.encryptor);
    const rows = Array.from({ length: 300 }, (_, i) => ({
      eventId: randomUUID(),
      name: 'internal.test.row',
      payload: { n: i },
      meta: {},
      occurredAt: new Date(),
    }));
    await new EventOutboxRepository(t.db.knex, codec).insert(rows);

    const delivered = new Map<string, number>();
    const counting: OutboxConsumer = {
      name: 'counting',
      async deliver(event) {
        delivered.set(event.id, (delivered.get(event.id) ?? 0) + 1);
      },
    };
    const relays = Array.from({ length: 4 }, () => {
      const pool = knex(knexConfig({ ...t.config.database, poolMax: 2 }));
      pools.push(pool);
      return new OutboxRelay({
        outbox: new EventOutboxRepository(pool, codec),
        consumers: [counting],
        logger: createLogger('silent'),
        options: OPTIONS,
      });
    });
    await Promise.all(relays.map((r) => r.drain()));
    // A relay that lost a race may stop early; one more pass drains what is left.
    await relays[0]!.drain();

    expect(delivered.size).toBe(300);
    expect([...delivered.values()].every((n) => n === 1)).toBe(true);
    const pending = await t.db.knex('event_outbox').whereNull('sent_at').count({ n: '*' });
    expect(Number(pending[0]?.n)).toBe(0);
  });
});
