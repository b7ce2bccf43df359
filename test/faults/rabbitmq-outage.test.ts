/**
 * Fault drill: RabbitMQ stopped for 30 s. The drill's own broker (test/support/rabbitmq-server.ts, a second node
 * beside the machine's) takes the Event API from the worker's outbox relay (`jobs/main.ts`, a real process). It is
 * killed with SIGKILL, and 20 sign-ups happen meanwhile: their events wait in the outbox
 * (`event_outbox`) and, once the broker is back, all arrive, once each, in order per user.
 *
 * The exchanges and the consumer's queue are declared durable beforehand, as an operator's consumer would have them:
 * the publisher uses an exchange that exists as it is (src/events/rabbitmq-publisher.ts), so the bindings survive the
 * broker's restart and nothing the relay publishes on its return goes unrouted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { setTimeout as sleep } from 'node:timers/promises';
import amqp, { type ChannelModel } from 'amqplib';
import { startTestApp, testEnvironment, type TestApp } from '../support/app.js';
import { STRONG_PASSWORD, uniqueEmail } from '../support/factories.js';
import { spawnTsx, type RunningProcess } from '../support/processes.js';
import { startRabbitmqServer, type RabbitmqServer } from '../support/rabbitmq-server.js';
import { until } from '../support/wait.js';

const SIGN_UP = '/api/v2/barong/identity/users';
const USER_AGENT = 'fault-drill/1.0';
const QUEUE = 'fault-drill';
const BINDINGS: [exchange: string, key: string][] = [
  ['barong.events.model', 'user.created'],
  ['barong.events.system', 'user.email.confirmation.token'],
];

interface Received {
  name: string;
  email: string;
  jti: string;
}

let rabbit: RabbitmqServer;
let t: TestApp;
let worker: RunningProcess;
let consumer: ChannelModel | undefined;
const received: Received[] = [];

async function consume(): Promise<void> {
  consumer = await amqp.connect(rabbit.url);
  consumer.on('error', () => undefined); // the broker's death is the drill's doing
  const channel = await consumer.createChannel();
  channel.on('error', () => undefined);
  await channel.consume(QUEUE, (msg) => {
    if (!msg) return;
    const jws = JSON.parse(msg.content.toString()) as { payload: string };
    const claims = JSON.parse(Buffer.from(jws.payload, 'base64url').toString()) as {
      jti: string;
      event: { name: string; record?: { email?: string; user?: { email?: string } } };
    };
    const { record } = claims.event;
    received.push({ name: claims.event.name, email: record?.email ?? record?.user?.email ?? '', jti: claims.jti });
    channel.ack(msg);
  });
}

beforeAll(async () => {
  rabbit = await startRabbitmqServer();
  const setup = await amqp.connect(rabbit.url);
  const channel = await setup.createChannel();
  await channel.assertQueue(QUEUE, { durable: true });
  for (const [exchange, key] of BINDINGS) {
    await channel.assertExchange(exchange, 'direct', { durable: true });
    await channel.bindQueue(QUEUE, exchange, key);
  }
  await setup.close();

  const eventEnv = {
    EVENT_API_RABBITMQ_URL: rabbit.url,
    // Retries at most 2 s apart (300 s by default), so the relay notices the broker's return within the drill.
    BARONG_EVENT_API_RETRY_MAX_DELAY: '2000',
  };
  t = await startTestApp(eventEnv);
  worker = spawnTsx('jobs/main.ts', { ...testEnvironment(t.db.name), ...eventEnv, LOG_LEVEL: 'info' });
  await until(() => worker.output().includes('outbox relay started'), { timeoutMs: 90_000, what: 'the relay' });
  await consume();
}, 300_000);

afterAll(async () => {
  await consumer?.close().catch(() => undefined);
  await worker?.stop('SIGKILL');
  await t?.close();
  await rabbit?.destroy();
}, 120_000);

const signUp = (email: string) =>
  request(t.app)
    .post(SIGN_UP)
    .set('User-Agent', USER_AGENT)
    .type('form')
    .send({ email, password: STRONG_PASSWORD })
    .expect(201);

/** A sign-up's events, in the order of its transaction. */
const EXPECTED = ['model.user.created', 'system.user.email.confirmation.token'];

describe('RabbitMQ stopped for 30 s', () => {
  it('holds every event in the outbox and delivers them all, in order per user, once it returns', async () => {
    const before = uniqueEmail('before');
    await signUp(before);
    await until(() => received.some((r) => r.email === before && r.name === 'model.user.created'), {
      timeoutMs: 30_000,
      what: 'the events of a sign-up before the outage',
    });

    await rabbit.stop('SIGKILL');
    await consumer?.close().catch(() => undefined);
    consumer = undefined;
    const outageEnds = Date.now() + 30_000;
    const emails = Array.from({ length: 20 }, (_, i) => uniqueEmail(`outage${i}`));
    for (const email of emails) await signUp(email);
    const held = await t.db.knex('event_outbox').whereNull('sent_at').count({ n: '*' });
    expect(Number(held[0]?.n)).toBeGreaterThanOrEqual(emails.length * EXPECTED.length);
    await sleep(Math.max(0, outageEnds - Date.now()));

    await rabbit.start();
    await consume();
    const ofOutage = () => received.filter((r) => emails.includes(r.email));
    await until(
      () => ofOutage().length,
      (n) => n >= emails.length * EXPECTED.length,
      {
        timeoutMs: 90_000,
        intervalMs: 200,
        what: 'every event of the outage',
      },
    );
    await until(async () => (await t.db.knex('event_outbox').whereNull('sent_at').count({ n: '*' }))[0]!.n == 0, {
      timeoutMs: 30_000,
      what: 'the outbox to be relayed',
    });
    await sleep(500); // a duplicate would arrive right behind
    const events = ofOutage();
    expect(new Set(events.map((e) => e.jti)).size).toBe(events.length);
    for (const email of emails) expect(events.filter((e) => e.email === email).map((e) => e.name)).toEqual(EXPECTED);
    expect(worker.child.exitCode, worker.output()).toBeNull();
  });
});
