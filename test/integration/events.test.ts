/**
 * Barong's Event API end to end, on the real RabbitMQ (reference §15.1): the API writes events to the outbox in
 * the request's transaction, the worker's relay (src/events/start-event-relay.ts, as jobs/main.ts starts it)
 * publishes them, and a consumer declared the way Barong's mailer and Peatio declare theirs (a direct, non-durable
 * exchange; its own exclusive queue bound by routing key) receives them and verifies the signature with the
 * server's public key. Other test runs may publish to the same exchanges at the same time, so every check picks
 * its own messages by this run's users or event ids.
 */
import type { Json } from '../../src/lib/json.js';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { generalVerify, type GeneralJWS } from 'jose';
import { createLogger } from '../../src/lib/logger.js';
import type { Config } from '../../src/config/index.js';
import { startOutboxRelay, type OutboxRelayHandle } from '../../src/events/start-outbox-relay.js';
import { outboxCodec } from '../../src/events/outbox-codec.js';
import { EventOutboxRepository } from '../../src/db/repositories/event-outbox-repository.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { STRONG_PASSWORD, uniqueEmail } from '../support/factories.js';
import { until } from '../support/wait.js';

const AMQP_URL = process.env.EVENT_API_RABBITMQ_URL || 'amqp://guest:guest@127.0.0.1:5672';
const SIGN_UP = '/api/v2/barong/identity/users';
const LOGIN = '/api/v2/barong/identity/sessions';
const USER_AGENT = 'vitest-events/1.0';
// Barong's format_iso8601_time: UTC, whole seconds.
const ISO_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const BINDINGS: [exchange: string, key: string][] = [
  ['barong.events.system', 'session.create'],
  ['barong.events.system', 'user.email.confirmation.token'],
  ['barong.events.model', 'user.created'],
];
const logger = createLogger('silent');

interface Received {
  exchange: string;
  routingKey: string;
  messageId: string | undefined;
  jws: GeneralJWS;
  claims: { iss: string; jti: string; iat: number; exp: number; event: Json };
}

let t: TestApp;
let connection: ChannelModel;
let channel: Channel;
let queue: string;
const received: Received[] = [];
const relays: OutboxRelayHandle[] = [];

function onMessage(msg: ConsumeMessage | null): void {
  if (!msg) return;
  const jws = JSON.parse(msg.content.toString()) as GeneralJWS;
  const claims = JSON.parse(Buffer.from(jws.payload ?? '', 'base64url').toString()) as Received['claims'];
  received.push({
    exchange: msg.fields.exchange,
    routingKey: msg.fields.routingKey,
    messageId: msg.properties.messageId,
    jws,
    claims,
  });
  channel.ack(msg);
}

function relayConfig(
  overrides: Partial<Config['eventApi']> = {},
  relay: Partial<Config['eventApi']['relay']> = {},
): Config {
  return {
    ...t.config,
    eventApi: { ...t.config.eventApi, ...overrides, relay: { ...t.config.eventApi.relay, ...relay } },
  };
}

async function startRelay(config: Config = t.config): Promise<OutboxRelayHandle> {
  const handle = await startOutboxRelay(config, logger);
  relays.push(handle);
  return handle;
}

/** A loopback port nothing listens on: the broker is "down". */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

const signUp = (email: string) =>
  request(t.app).post(SIGN_UP).set('User-Agent', USER_AGENT).type('form').send({ email, password: STRONG_PASSWORD });

async function lastOutboxId(): Promise<number> {
  const [row] = await t.db.knex('event_outbox').max({ max: 'id' });
  return Number(row?.max ?? 0);
}

const plainPayload = (row: { payload: unknown }) => t.services.encryptor.decrypt(String(row.payload));
const outboxRows = (where: Record<string, unknown> = {}) => t.db.knex('event_outbox').where(where).orderBy('id');

beforeAll(async () => {
  t = await startTestApp({
    EVENT_API_RABBITMQ_URL: AMQP_URL,
    BARONG_EVENT_API_RELAY_INTERVAL: '20',
    BARONG_EVENT_API_RETRY_BASE_DELAY: '20',
    BARONG_EVENT_API_RETRY_MAX_DELAY: '200',
    BARONG_EVENT_API_CONFIRM_TIMEOUT: '5000',
  });
  connection = await amqp.connect(AMQP_URL);
  channel = await connection.createChannel();
  // As Barong's mailer (`channel.direct(name)`) and postmaster declare them: direct, not durable.
  for (const exchange of new Set(BINDINGS.map(([e]) => e))) {
    await channel.assertExchange(exchange, 'direct', { durable: false, autoDelete: false });
  }
  queue = (await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false })).queue;
  for (const [exchange, key] of BINDINGS) await channel.bindQueue(queue, exchange, key);
  await channel.consume(queue, onMessage);
});

afterEach(async () => {
  await Promise.all(relays.splice(0).map((r) => r.stop()));
});

afterAll(async () => {
  await Promise.all(relays.splice(0).map((r) => r.stop()));
  if (channel) await channel.deleteQueue(queue).catch(() => undefined);
  await connection?.close().catch(() => undefined);
  await t?.close();
});

describe('Event API publishing', () => {
  it('publishes model.user.created and system.session.create in Barong’s signed envelope', async () => {
    const email = uniqueEmail('events-first');
    const signup = await signUp(email).expect(201); // the first user of the database: an active superadmin
    await request(t.app)
      .post(LOGIN)
      .set('User-Agent', USER_AGENT)
      .send({ email, password: STRONG_PASSWORD })
      .expect(201);
    expect(await outboxRows({ name: 'system.session.create' })).toHaveLength(1);

    await startRelay();
    const login = await until(
      () =>
        received.find(
          (m) => m.claims.event.name === 'system.session.create' && m.claims.event.record?.user?.email === email,
        ),
      { what: 'session.create' },
    );
    const created = await until(
      () =>
        received.find((m) => m.claims.event.name === 'model.user.created' && m.claims.event.record?.email === email),
      { what: 'user.created' },
    );

    // Signed by the server's key, in jwt-multisig's JSON general serialisation, signer `barong`.
    for (const message of [login, created]) {
      expect(Object.keys(message.jws)).toEqual(['payload', 'signatures']);
      expect(message.jws.signatures).toHaveLength(1);
      expect(Object.keys(message.jws.signatures[0]!)).toEqual(['protected', 'header', 'signature']);
      const verified = await generalVerify(message.jws, t.services.jwtKeys.publicKey);
      expect(verified.protectedHeader).toEqual({ alg: 'RS256' });
      expect(verified.unprotectedHeader).toEqual({ kid: 'barong' });
      const { claims } = message;
      expect(claims.iss).toBe('barong');
      expect(claims.jti).toMatch(UUID);
      expect(message.messageId).toBe(claims.jti);
      expect(claims.exp - claims.iat).toBe(3600);
      expect(Math.abs(claims.iat - Date.now() / 1000)).toBeLessThan(300);
      expect(Object.keys(claims)).toEqual(['iss', 'jti', 'iat', 'exp', 'event']);
    }

    expect(login).toMatchObject({ exchange: 'barong.events.system', routingKey: 'session.create' });
    expect(login.claims.event).toEqual({
      record: {
        user: {
          uid: signup.body.uid,
          username: null,
          email,
          role: 'superadmin',
          level: 1,
          otp: false,
          state: 'active',
          referral_uid: null,
          created_at: expect.stringMatching(ISO_SECONDS),
          updated_at: expect.stringMatching(ISO_SECONDS),
        },
        user_ip: expect.any(String),
        user_agent: USER_AGENT,
      },
      name: 'system.session.create',
    });

    // Model events drop null fields of the record (reference §15.2): no username, no referral_uid.
    expect(created).toMatchObject({ exchange: 'barong.events.model', routingKey: 'user.created' });
    expect(created.claims.event).toEqual({
      record: {
        uid: signup.body.uid,
        email,
        role: 'superadmin',
        level: 0,
        otp: false,
        state: 'pending',
        created_at: expect.any(String),
        updated_at: expect.any(String),
      },
      name: 'model.user.created',
    });

    // Each row is marked sent once the broker confirmed it; the token's jti is the row's event id.
    const row = await until(
      async () => {
        const [r] = await outboxRows({ name: 'system.session.create' });
        return r?.sent_at ? r : undefined;
      },
      { what: 'the login row marked sent' },
    );
    expect(row).toMatchObject({ event_id: login.claims.jti, attempts: 0, claimed_by: null, last_error: null });
  });

  it('names the referrer by its stored uid in model.user.created, whatever case the refid was typed in', async () => {
    const referrer = (await t.db.knex('users').orderBy('id').first()) as { uid: string };
    const email = uniqueEmail('events-referred');
    await request(t.app)
      .post(SIGN_UP)
      .type('form')
      .send({ email, password: STRONG_PASSWORD, refid: referrer.uid.toLowerCase() })
      .expect(201);
    await startRelay();
    const created = await until(
      () =>
        received.find((m) => m.claims.event.name === 'model.user.created' && m.claims.event.record?.email === email),
      { what: 'user.created' },
    );
    expect(created.claims.event.record).toMatchObject({ referral_uid: referrer.uid, state: 'pending', level: 0 });
  });

  it('keeps the event when RabbitMQ is down, never failing the request, and publishes it once RabbitMQ is back', async () => {
    const email = uniqueEmail('events-down');
    const down = relayConfig({ url: `amqp://guest:guest@127.0.0.1:${await closedPort()}` });
    await startRelay(down);

    await signUp(email).expect(201);
    const rows = await outboxRows({ name: 'system.user.email.confirmation.token' });
    const row = rows.find((r) => plainPayload(r).includes(email));
    expect(String(row?.payload)).not.toContain(email); // personal data is encrypted at rest
    expect(row).toBeDefined();

    // The relay tries, fails, counts the attempt and keeps the row pending.
    const failed = await until(
      async () => {
        const [r] = await outboxRows({ id: row.id });
        return r.attempts >= 1 ? r : undefined;
      },
      { what: 'a failed attempt' },
    );
    expect(failed.sent_at).toBeNull();
    expect(failed.last_error).toMatch(/ECONNREFUSED|connect/i);
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    const [stillPending] = await outboxRows({ id: row.id });
    expect(stillPending.sent_at).toBeNull();
    expect(received.some((m) => m.claims.jti === row.event_id)).toBe(false);

    // The broker is reachable again: the next relay publishes the kept event.
    await startRelay();
    const message = await until(() => received.find((m) => m.claims.jti === row.event_id), { what: 'the kept event' });
    expect(message).toMatchObject({ exchange: 'barong.events.system', routingKey: 'user.email.confirmation.token' });
    expect(message.claims.event).toMatchObject({
      name: 'system.user.email.confirmation.token',
      record: { user: { email, state: 'pending' }, domain: 'https://exchange.test', token: expect.any(String) },
    });
    await generalVerify(message.jws, t.services.jwtKeys.publicKey);
    await until(async () => ((await outboxRows({ id: row.id }))[0].sent_at ? true : undefined), {
      what: 'the row marked sent',
    });
  });

  it('never lets two relays publish the same row', async () => {
    const max = await lastOutboxId();
    const emails = Array.from({ length: 8 }, () => uniqueEmail('events-pair'));
    for (const email of emails) await signUp(email).expect(201);
    const rows = await t.db.knex('event_outbox').where('id', '>', max).orderBy('id');
    expect(rows.length).toBe(emails.length * 2); // model.user.created + system.user.email.confirmation.token each

    // Two relays (two processes' worth: own pools, own connections) competing, in small batches.
    const config = relayConfig({}, { batchSize: 3 });
    await Promise.all([startRelay(config), startRelay(config)]);

    await until(
      async () => {
        const pending = await t.db.knex('event_outbox').where('id', '>', max).whereNull('sent_at').count({ n: '*' });
        return Number(pending[0]?.n) === 0 ? true : undefined;
      },
      { what: 'every row sent' },
    );
    // Everything published was confirmed, so it is in the queue ahead of this marker: once the marker is here,
    // every copy the relays published has been delivered.
    const marker = `marker-${Date.now()}`;
    const markerSeen = new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (received.some((m) => m.claims.jti === marker)) {
          clearInterval(check);
          resolve();
        }
      }, 10);
    });
    const markerJws = {
      payload: Buffer.from(JSON.stringify({ jti: marker, event: {} })).toString('base64url'),
      signatures: [],
    };
    channel.sendToQueue(queue, Buffer.from(JSON.stringify(markerJws)));
    await markerSeen;

    for (const row of rows) {
      expect(received.filter((m) => m.claims.jti === row.event_id)).toHaveLength(1);
    }
  });

  it('is run by the worker process (jobs/main.ts), which stops cleanly on SIGTERM', async () => {
    const email = uniqueEmail('events-worker');
    await signUp(email).expect(201);
    const row = (await outboxRows({ name: 'model.user.created' })).find((r) => plainPayload(r).includes(email));
    expect(row?.sent_at).toBeNull();

    const worker = spawn(process.execPath, ['--import', 'tsx', 'jobs/main.ts'], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        DATABASE_NAME: t.db.name,
        BARONG_REDIS_PREFIX: t.config.redisPrefix,
        BARONG_DEV_KEY_PATH: '.dev/test-rsa-key.pem',
        BARONG_SMTP_PORT: String(await closedPort()),
        EVENT_API_RABBITMQ_URL: AMQP_URL,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    worker.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    worker.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(worker, 'exit');
    try {
      const message = await until(() => received.find((m) => m.claims.jti === row.event_id), {
        what: 'the worker’s publish',
        timeoutMs: 30_000,
      });
      await generalVerify(message.jws, t.services.jwtKeys.publicKey);
      await until(async () => ((await outboxRows({ id: row.id }))[0].sent_at ? true : undefined), {
        what: 'the row marked sent',
      });
    } finally {
      worker.kill('SIGTERM');
    }
    const [code] = await exited;
    expect(code, output).toBe(0);
    expect(output).toContain('outbox relay started');
    expect(output).toContain('"consumers":["commands","mail","sms","event-api"]');
    expect(output).not.toContain('guest:guest');
  });

  it('lets only one of two concurrent claims take a row', async () => {
    const max = await lastOutboxId();
    for (const email of [uniqueEmail('events-claim'), uniqueEmail('events-claim')]) await signUp(email).expect(201);
    const fresh = await t.db.knex('event_outbox').where('id', '>', max).pluck('id');
    const codec = outboxCodec(t.services.encryptor);
    const a = new EventOutboxRepository(t.db.knex, codec);
    const b = new EventOutboxRepository(t.services.knex, codec); // another pool: another connection
    const [first, second] = await Promise.all([a.claim('claim-a', 100, 60_000), b.claim('claim-b', 100, 60_000)]);
    const firstIds = first.map((r) => r.id);
    const secondIds = second.map((r) => r.id);
    expect(firstIds.filter((id) => secondIds.includes(id))).toEqual([]);
    expect([...firstIds, ...secondIds].sort((x, y) => x - y)).toEqual(expect.arrayContaining(fresh.map(Number)));
    // A claimed row is not claimable again until its lease ends…
    expect(await a.claim('claim-c', 100, 60_000)).toEqual([]);
    // …and an expired lease (a relay that died) frees it.
    await t.db
      .knex('event_outbox')
      .whereIn('claimed_by', ['claim-a', 'claim-b'])
      .update({ claimed_until: new Date(Date.now() - 1000) });
    expect((await a.claim('claim-d', 100, 60_000)).map((r) => r.id).sort((x, y) => x - y)).toEqual(
      [...firstIds, ...secondIds].sort((x, y) => x - y),
    );
  });
});

describe('Event API off', () => {
  let off: TestApp;
  beforeAll(async () => {
    off = await startTestApp({
      EVENT_API_RABBITMQ_URL: '',
      BARONG_EVENT_API_RABBITMQ_HOST: '',
      EVENT_API_RABBITMQ_HOST: '',
    });
  });
  afterAll(async () => {
    await off?.close();
  });

  it('writes only the rows that become mail or other deferred work when no RabbitMQ URL or host is set', async () => {
    expect(off.config.eventApi.enabled).toBe(false);
    for (const email of [uniqueEmail('events-off'), uniqueEmail('events-off')]) {
      await request(off.app).post(SIGN_UP).type('form').send({ email, password: STRONG_PASSWORD }).expect(201);
    }
    // The first user is the superadmin (a private label, so a label_changed mail); the second gets a confirmation
    // mail. Events nobody consumes (model.user.created …) are not written.
    const names = await off.db.knex('event_outbox').orderBy('id').pluck('name');
    expect(names).toEqual(['model.label.created', 'system.user.email.confirmation.token']);
  });
});
