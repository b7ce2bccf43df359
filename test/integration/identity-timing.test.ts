/**
 * Security case 1, at the depth where it holds: a known and an unknown e-mail make the server do the same work
 * before it answers — the same SQL, the same Redis commands, the same password verification — for a wrong login
 * and for reset and confirmation link requests. What differs (the failed-login activity, the link, the mail)
 * happens afterwards in the outbox relay. The medians are measured in the benchmark (`npm run bench`), not here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createUser, uniqueEmail } from '../support/factories.js';
import { traceWork } from '../support/work-trace.js';

const API = '/api/v2/barong/identity';
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ BARONG_CODE_REQUESTS_MAX_PER_IP: '1000' });
  await createUser(t, { role: 'superadmin' }); // the first user; the others are ordinary members
});
afterAll(async () => {
  await t?.close();
});

const post = (path: string, body: Record<string, unknown>) =>
  request(t.app).post(`${API}${path}`).set('User-Agent', 'vitest-timing/1.0').type('form').send(body);

async function sameWork(known: () => Promise<unknown>, unknown: () => Promise<unknown>) {
  const a = await traceWork(t, known);
  const b = await traceWork(t, unknown);
  expect(a.sql.length).toBeGreaterThan(0);
  expect(b).toEqual(a);
  return a;
}

describe('a known and an unknown e-mail cost the same before the answer', () => {
  it('a wrong password and an unknown e-mail: same hash, same SQL, same Redis commands, same answer', async () => {
    const user = await createUser(t);
    let answers: unknown[] = [];
    const trace = await sameWork(
      async () =>
        answers.push((await post('/sessions', { email: user.email, password: 'Wrong-Password-1' }).expect(401)).body),
      async () =>
        answers.push(
          (await post('/sessions', { email: uniqueEmail('ghost'), password: 'Wrong-Password-1' }).expect(401)).body,
        ),
    );
    expect(answers[1]).toEqual(answers[0]);
    // One verification at the configured parameters, and the only write is the outbox row.
    expect(trace.hashes).toEqual([
      `$argon2id$v=19$m=${t.config.hashing.memoryCost},t=${t.config.hashing.timeCost},p=${t.config.hashing.parallelism}`,
    ]);
    expect(trace.sql.filter((s) => !s.startsWith('select'))).toEqual(['begin', 'insert event_outbox', 'commit']);
    answers = [];

    // Afterwards the relay writes the activity for the known user only.
    await t.drainOutbox();
    const rows = await t.db.knex('activities').where({ user_id: user.id, action: 'login' });
    expect(rows).toMatchObject([{ result: 'failed' }]);
  });

  it('a reset link request', async () => {
    const user = await createUser(t);
    const trace = await sameWork(
      () => post('/users/password/generate_code', { email: user.email }).expect(201),
      () => post('/users/password/generate_code', { email: uniqueEmail('ghost') }).expect(201),
    );
    expect(trace.sql.filter((s) => !s.startsWith('select'))).toEqual(['begin', 'insert event_outbox', 'commit']);
    expect(trace.hashes).toEqual([]);
  });

  it('a confirmation link request: pending, active and unknown e-mails alike', async () => {
    const pending = await createUser(t, { state: 'pending', level: 0 });
    const active = await createUser(t);
    const ghost = () => post('/users/email/generate_code', { email: uniqueEmail('ghost') }).expect(201);
    const trace = await sameWork(() => post('/users/email/generate_code', { email: pending.email }).expect(201), ghost);
    expect(trace.sql.filter((s) => !s.startsWith('select'))).toEqual(['begin', 'insert event_outbox', 'commit']);
    await sameWork(() => post('/users/email/generate_code', { email: active.email }).expect(201), ghost);
  });

  it('the deferred link requests are carried out once, for the known user only', async () => {
    const user = await createUser(t, { state: 'pending', level: 0 });
    await t.drainOutbox();
    const before = await t.db.knex('event_outbox').max({ id: 'id' }).first();
    await post('/users/password/generate_code', { email: user.email }).expect(201);
    await post('/users/email/generate_code', { email: user.email }).expect(201);
    await post('/users/password/generate_code', { email: uniqueEmail('ghost') }).expect(201);
    await t.drainOutbox();
    await t.drainOutbox(); // a second relay pass finds nothing more to do
    const rows = await t.db
      .knex('event_outbox')
      .where('id', '>', Number(before?.id ?? 0))
      .orderBy('id');
    const names = rows.map((r: { name: string }) => r.name);
    expect(names.filter((n: string) => n.startsWith('system.')).sort()).toEqual([
      'system.user.email.confirmation.token',
      'system.user.password.reset.token',
    ]);
    expect(rows.every((r: { sent_at: Date | null }) => r.sent_at !== null)).toBe(true);
    const activity = await t.db.knex('activities').where({ user_id: user.id, action: 'request password reset' });
    expect(activity).toHaveLength(1);
  });
});
