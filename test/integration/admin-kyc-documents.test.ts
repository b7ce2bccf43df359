/**
 * The document half of the KYC review, end to end over HTTP: a user verifies a phone (level 2) and uploads a
 * document (label `document: pending`); a compliance user approves it through the admin API, and the user is at
 * level 3 with the `label_changed` mail delivered over SMTP and the events on RabbitMQ, published by the worker
 * (jobs/main.ts) that also sends the SMS and the mail. A rejection lets the user upload again. Last, the same
 * through the back office alone: a superadmin makes the compliance user, and support cannot change a permission.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import amqp, { type Channel, type ChannelModel } from 'amqplib';
import { generalVerify, type GeneralJWS } from 'jose';
import { startTestApp, type TestApp } from '../support/app.js';
import { startMailHarness, type MailHarness } from '../support/mail.js';
import { ADMIN, createAdmin, type AdminCaller } from '../support/admin-client.js';
import { createUser } from '../support/factories.js';
import request from 'supertest';
import { bearer, login, withToken, BROWSER, type BrowserSession } from '../support/account-client.js';
import {
  startTwilioStandIn,
  TEST_ACCOUNT_SID,
  TEST_AUTH_TOKEN,
  TEST_SERVICE_SID,
  type TwilioStandIn,
} from '../support/twilio-stand-in.js';
import { PNG } from '../support/sample-files.js';
import { until } from '../support/wait.js';

const AMQP_URL = process.env.EVENT_API_RABBITMQ_URL || 'amqp://guest:guest@127.0.0.1:5672';
const BINDINGS: [exchange: string, key: string][] = [
  ['barong.events.model', 'label.updated'],
  ['barong.events.system', 'document.verified'],
  ['barong.events.system', 'document.rejected'],
];
const DOC = { doc_type: 'Passport', doc_number: 'AB123456', doc_expire: '2035-01-01' };

/** The `event` claim: a label's record (model.label.*, system.document.*), with `name` and `changes`. */
interface EventClaim {
  name: string;
  record: { key: string; value: string; user: { uid: string } };
  changes?: Record<string, unknown>;
}

interface Received {
  routingKey: string;
  jws: GeneralJWS;
  event: EventClaim;
}

let t: TestApp;
let mail: MailHarness;
let twilio: TwilioStandIn;
let storageDir: string;
let connection: ChannelModel;
let channel: Channel;
let compliance: AdminCaller;
const received: Received[] = [];
/** Fresh numbers in the fictional 202-555-01xx range, one a user (this file's own database). */
let numberSeq = 100;

beforeAll(async () => {
  twilio = await startTwilioStandIn();
  storageDir = await mkdtemp(path.join(tmpdir(), 'barong-kyc-'));
  t = await startTestApp({
    EVENT_API_RABBITMQ_URL: AMQP_URL,
    BARONG_EVENT_API_RELAY_INTERVAL: '20',
    BARONG_STORAGE_LOCAL_PATH: storageDir,
    BARONG_PHONE_VERIFICATION: 'twilio_sms',
    BARONG_TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
    BARONG_TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
    BARONG_TWILIO_SERVICE_SID: TEST_SERVICE_SID,
    BARONG_TWILIO_API_BASE: twilio.url,
  });
  connection = await amqp.connect(AMQP_URL);
  channel = await connection.createChannel();
  const queue = (await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false })).queue;
  for (const [exchange, key] of BINDINGS) {
    await channel.assertExchange(exchange, 'direct', { durable: false, autoDelete: false });
    await channel.bindQueue(queue, exchange, key);
  }
  await channel.consume(queue, (msg) => {
    if (!msg) return;
    const jws = JSON.parse(msg.content.toString()) as GeneralJWS;
    const claims = JSON.parse(Buffer.from(jws.payload ?? '', 'base64url').toString());
    received.push({ routingKey: msg.fields.routingKey, jws, event: claims.event });
    channel.ack(msg);
  });
  mail = await startMailHarness(t);
  compliance = await createAdmin(t, 'compliance');
});

afterAll(async () => {
  await mail?.stop();
  await connection?.close().catch(() => undefined);
  await t?.close();
  await twilio?.close();
  await rm(storageDir, { recursive: true, force: true });
});

/** A user with a verified e-mail who verifies a phone through the resource API: level 2. */
async function levelTwoUser() {
  const user = await createUser(t, { level: 1, privateLabels: { email: 'verified' } });
  const token = await bearer(t, user);
  const number = `+1202555${String(numberSeq++).padStart(4, '0')}`;
  await withToken(t, 'post', '/phones', token).send({ phone_number: number }).expect(200);
  const code = await twilio.codeFor(number);
  const verified = await withToken(t, 'post', '/phones/verify', token)
    .send({ phone_number: number, verification_code: code })
    .expect(201);
  expect(verified.body.level).toBe(2);
  return { user, token };
}

const uploadDocument = (token: string) => {
  const req = withToken(t, 'post', '/documents', token);
  for (const [k, v] of Object.entries(DOC)) req.field(k, v);
  return req.attach('upload', PNG, { filename: 'passport.png', contentType: 'image/png' });
};
const documentLabel = (userId: number) =>
  t.db.knex('labels').where({ user_id: userId, key: 'document', scope: 'private' }).first();
/** The `label_changed` mail to the user about this label value. */
const labelMail = (to: string, label: string) =>
  mail.smtp.waitFor(
    (m) =>
      !Array.isArray(m.to) &&
      m.to?.text === to &&
      m.subject === 'Label Updated' &&
      (m.text ?? '').includes(`Label:         ${label}`),
  );
const me = async (token: string) => (await withToken(t, 'get', '/users/me', token).expect(200)).body;
const message = (routingKey: string, uid: string) =>
  until(() => received.find((m) => m.routingKey === routingKey && m.event.record.user.uid === uid), {
    what: `${routingKey} of ${uid}`,
  });

describe('the document review', () => {
  it('pending document → compliance approves → level 3, label_changed mail, events on RabbitMQ', async () => {
    const { user, token } = await levelTwoUser();
    await uploadDocument(token).expect(201);
    expect(await documentLabel(user.id)).toMatchObject({ value: 'pending' });
    // Compliance finds the user among those with a pending document.
    const pending = await compliance.call('get', `/users/documents/pending?uid=${user.uid}`).expect(200);
    expect(pending.body.map((u: { uid: string }) => u.uid)).toEqual([user.uid]);

    // POST /users/labels adds labels: the user has `document` already, as in Barong.
    await compliance
      .call('post', '/users/labels')
      .type('form')
      .send({ uid: user.uid, key: 'document', value: 'verified', scope: 'private' })
      .expect(422, { errors: ['key.taken'] });
    await compliance
      .call('post', '/users/labels/update')
      .type('form')
      .send({ uid: user.uid, key: 'document', value: 'verified', scope: 'private', description: 'passport ok' })
      .expect(200, {});

    expect(await me(token)).toMatchObject({ uid: user.uid, level: 3, state: 'active' });
    expect((await labelMail(user.email, 'document: verified')).text).toMatch(/Account level: 3/);

    const updated = await message('label.updated', user.uid);
    expect(updated.event).toMatchObject({
      name: 'model.label.updated',
      record: { key: 'document', value: 'verified', description: 'passport ok', user: { uid: user.uid, level: 3 } },
      changes: { value: 'pending' },
    });
    await generalVerify(updated.jws, t.services.jwtKeys.publicKey);
    const reviewed = await message('document.verified', user.uid);
    expect(reviewed.event).toMatchObject({
      name: 'system.document.verified',
      record: { key: 'document', value: 'verified' },
    });

    // Verified stays verified for the user: no new upload.
    await uploadDocument(token).expect(422, { errors: ['resource.document.already_verified'] });
  });

  it('a rejected document may be uploaded again, and is pending again', async () => {
    const { user, token } = await levelTwoUser();
    await uploadDocument(token).expect(201);
    await compliance
      .call('put', '/users/labels')
      .type('form')
      .send({ uid: user.uid, key: 'document', scope: 'private', value: 'rejected' })
      .expect(200, {});
    expect(await me(token)).toMatchObject({ level: 2 });
    expect((await labelMail(user.email, 'document: rejected')).text).toMatch(/Account level: 2/);
    expect((await message('document.rejected', user.uid)).event.record).toMatchObject({
      key: 'document',
      value: 'rejected',
    });

    await uploadDocument(token).expect(201);
    expect(await documentLabel(user.id)).toMatchObject({ value: 'pending' });
  });
});

describe('the back office through HTTP alone', () => {
  /** A staff member's browser session on the admin API (cookie and CSRF token, as the back office sends them). */
  const asStaff = (s: BrowserSession) => (method: 'get' | 'post', path: string) =>
    request(t.app)
      [method](ADMIN + path)
      .set('Cookie', s.cookie)
      .set('User-Agent', BROWSER)
      .set('X-CSRF-Token', s.csrf);

  it('a superadmin makes a compliance user, who approves a pending document: level 3, mail in the inbox', async () => {
    const superadmin = await createAdmin(t, 'superadmin');
    const staff = await createUser(t, { privateLabels: { email: 'verified' } });
    await superadmin.call('post', '/users/role').type('form').send({ uid: staff.uid, role: 'compliance' }).expect(200);
    const reviewer = asStaff(await login(t, staff));

    const { user, token } = await levelTwoUser();
    await uploadDocument(token).expect(201);
    const pending = await reviewer('get', '/users/documents/pending').expect(200);
    expect(pending.body.map((u: { uid: string }) => u.uid)).toContain(user.uid);
    await reviewer('post', '/users/labels/update')
      .type('form')
      .send({ uid: user.uid, key: 'document', value: 'verified', scope: 'private' })
      .expect(200);

    expect(await me(token)).toMatchObject({ level: 3 });
    expect((await labelMail(user.email, 'document: verified')).text).toMatch(/Account level: 3/);
  });

  it('a support user cannot change a permission: the permission table refuses, and so does the abilities file', async () => {
    const superadmin = await createAdmin(t, 'superadmin');
    const staff = await createUser(t);
    await superadmin.call('post', '/users/role').type('form').send({ uid: staff.uid, role: 'support' }).expect(200);
    const support = asStaff(await login(t, staff));
    const change = { role: 'member', verb: 'get', path: 'api/v2/barong/resource', action: 'accept' };
    // Barong's seeded table DROPs support's calls to admin/permissions, as its gateway would.
    await support('post', '/permissions')
      .type('form')
      .send(change)
      .expect(401, { errors: ['authz.invalid_permission'] });
    // With the table opened to support (its DROP rows deleted, an ACCEPT added, all through the admin API), the
    // abilities file still refuses: support does not manage permissions.
    const rows: { id: number; role: string; path: string; action: string }[] = [];
    for (let page = 1; ; page++) {
      const listed = await superadmin.call('get', `/permissions?page=${page}&limit=100`).expect(200);
      rows.push(...listed.body);
      if (listed.body.length < 100) break;
    }
    const drops = rows.filter(
      (r) => r.role === 'support' && r.path === 'api/v2/barong/admin/permissions' && r.action === 'DROP',
    );
    expect(drops.length).toBeGreaterThan(0);
    for (const row of drops) await superadmin.call('delete', `/permissions?id=${row.id}`).expect(200);
    const opened = { role: 'support', verb: 'all', path: 'api/v2/barong/admin/permissions', action: 'accept' };
    await superadmin.call('post', '/permissions').type('form').send(opened).expect(200);
    await support('post', '/permissions')
      .type('form')
      .send(change)
      .expect(401, { errors: ['admin.ability.not_permitted'] });
  });
});
