/**
 * The profile review path end to end, over HTTP with the real worker: a user submits a profile, an admin finds and
 * verifies it; the `profile` label and the user's level follow, the `label_changed` mail reaches the SMTP server
 * and the events reach RabbitMQ. A rejection lets the user submit again.
 */
import type { Json } from '../../src/lib/json.js';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { startTestApp, type TestApp } from '../support/app.js';
import { startMailHarness, type MailHarness } from '../support/mail.js';
import { createAdmin, type AdminCaller } from '../support/admin-client.js';
import { createUser } from '../support/factories.js';
import { bearer, withToken } from '../support/account-client.js';
import { until } from '../support/wait.js';

const AMQP_URL = process.env.EVENT_API_RABBITMQ_URL || 'amqp://guest:guest@127.0.0.1:5672';
const MODEL_EVENTS = ['label.created', 'label.updated', 'profile.created', 'profile.updated', 'user.updated'];

interface Published {
  routingKey: string;
  event: { name: string; record: Json; changes?: Json };
}

let t: TestApp;
let mail: MailHarness;
let connection: ChannelModel;
let channel: Channel;
let admin: AdminCaller;
const published: Published[] = [];

beforeAll(async () => {
  t = await startTestApp({ EVENT_API_RABBITMQ_URL: AMQP_URL, BARONG_EVENT_API_RELAY_INTERVAL: '20' });
  // An operator's extra level: a verified profile on top of the three default steps.
  await t.db
    .knex('levels')
    .insert({ id: 4, key: 'profile', value: 'verified', description: 'Profile verified by compliance' });
  connection = await amqp.connect(AMQP_URL);
  channel = await connection.createChannel();
  // Declared as Barong's consumers declare it (direct, not durable); other test runs may publish here too, so every
  // check below picks its messages by this file's users.
  await channel.assertExchange('barong.events.model', 'direct', { durable: false, autoDelete: false });
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
  for (const key of MODEL_EVENTS) await channel.bindQueue(queue, 'barong.events.model', key);
  await channel.consume(queue, (msg) => {
    if (!msg) return;
    const jws = JSON.parse(msg.content.toString()) as { payload: string };
    const claims = JSON.parse(Buffer.from(jws.payload, 'base64url').toString()) as { event: Published['event'] };
    published.push({ routingKey: msg.fields.routingKey, event: claims.event });
    channel.ack(msg);
  });
  mail = await startMailHarness(t);
  admin = await createAdmin(t, 'admin');
});

afterAll(async () => {
  await mail?.stop();
  await connection?.close().catch(() => undefined);
  await t?.close();
});

/** A member at level 3 (e-mail, phone and document verified) who submits a profile through the resource API. */
async function memberSubmitting(city: string) {
  const user = await createUser(t, {
    level: 3,
    privateLabels: { email: 'verified', phone: 'verified', document: 'verified' },
  });
  const token = await bearer(t, user);
  await withToken(t, 'post', '/profiles', token)
    .type('form')
    .send({ first_name: 'Ana', last_name: 'Silva', city, confirm: 'true' })
    .expect(201);
  return { user, token };
}

const labelMail = (email: string, value: string) => (m: ParsedMail) =>
  (m.to && !Array.isArray(m.to) ? m.to.text : '').includes(email) &&
  /Label Updated/.test(m.subject ?? '') &&
  (m.text ?? '').includes(`profile: ${value}`);

const publishedFor = (uid: string, routingKey: string, match: (e: Published['event']) => boolean = () => true) =>
  until(
    () =>
      published.find(
        (p) =>
          p.routingKey === routingKey &&
          ((p.event.record.user as Json | undefined)?.uid ?? p.event.record.uid) === uid &&
          match(p.event),
      ),
    {
      what: `${routingKey} of ${uid}`,
    },
  );

describe('the profile review path', () => {
  it('submitted → found by the admin → verified: label, level, mail and events', async () => {
    const { user, token } = await memberSubmitting('Lisbon');
    const listed = await admin.call('get', '/profiles').expect(200);
    expect(listed.body).toContainEqual(
      expect.objectContaining({ last_name: 'Silva', city: 'Lisbon', state: 'submitted' }),
    );

    const verified = await admin
      .call('put', '/profiles')
      .type('form')
      .send({ uid: user.uid, state: 'verified' })
      .expect(200);
    expect(verified.body).toMatchObject({ last_name: 'Silva', state: 'verified' });
    const me = await withToken(t, 'get', '/users/me', token).expect(200);
    expect(me.body).toMatchObject({ level: 4, state: 'active' });
    expect(me.body.labels).toContainEqual(
      expect.objectContaining({ key: 'profile', value: 'verified', scope: 'private' }),
    );

    const sent = await mail.smtp.waitFor(labelMail(user.email, 'verified'), 15_000);
    expect(sent.text).toMatch(/Account level: 4/);

    const label = await publishedFor(
      user.uid,
      'label.updated',
      (e) => e.record.key === 'profile' && e.record.value === 'verified',
    );
    expect(label.event).toMatchObject({ name: 'model.label.updated', changes: { value: 'submitted' } });
    const profile = await publishedFor(user.uid, 'profile.updated');
    expect(profile.event).toMatchObject({
      name: 'model.profile.updated',
      record: { last_name: 'Silva', city: 'Lisbon' },
      changes: { state: 'submitted' },
    });
    const level = await publishedFor(user.uid, 'user.updated', (e) => e.record.level === 4);
    expect(level.event.changes).toEqual({ level: 3 });
  });

  it('submitted → rejected: the label says so, the level stays, and the user may submit again', async () => {
    const { user, token } = await memberSubmitting('Porto');
    await admin.call('put', '/profiles').send({ uid: user.uid, state: 'rejected' }).expect(200);
    await mail.smtp.waitFor(labelMail(user.email, 'rejected'), 15_000);
    await publishedFor(user.uid, 'label.updated', (e) => e.record.key === 'profile' && e.record.value === 'rejected');
    expect((await withToken(t, 'get', '/users/me', token).expect(200)).body.level).toBe(3);

    await withToken(t, 'post', '/profiles', token).send({ city: 'Braga', confirm: true }).expect(201);
    const profiles = await withToken(t, 'get', '/profiles/me', token).expect(200);
    expect(profiles.body.map((p: Json) => [p.city, p.state])).toEqual([
      ['Porto', 'rejected'],
      ['Braga', 'submitted'],
    ]);
    // The first submission's mail, then the second's.
    await until(() => mail.smtp.inbox.filter(labelMail(user.email, 'submitted')).length === 2, {
      what: 'the second submission mail',
    });
  });
});
