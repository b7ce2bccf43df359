/**
 * The queue dashboard at /admin/queues (issue 12, item 8): a superadmin's page and its JSON API over the real mail
 * and SMS queues in Redis, with job data, failure reasons and stack traces redacted; 401 without a credential, 403
 * for a role without the `Queue` ability and for a write from another site; a failed job retried through the board
 * goes back to waiting and leaves one admin activity.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createUser } from '../support/factories.js';
import { BROWSER, bearer, login, type BrowserSession } from '../support/account-client.js';
import { until } from '../support/wait.js';
import { createQueue, type Queue } from '../../src/queues/create-queue.js';
import { MAIL_QUEUE_NAME, sealMail, type QueuedMail } from '../../src/queues/mail-queue.js';
import { SMS_QUEUE_NAME, type SmsJob } from '../../src/queues/sms-queue.js';

const BOARD = '/admin/queues';
const EMAIL = 'jane.doe@example.com';
const PHONE = '+15005550006';
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjb25maXJtYXRpb24ifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
const MAIL_JOB = 'password_reset:5f0b6a52-6a4e-4d7c-9a3b-0d2f61a1c001';
const SMS_JOB = 'phone_code:5f0b6a52-6a4e-4d7c-9a3b-0d2f61a1c002';

let t: TestApp;
let mail: Queue<QueuedMail>;
let sms: Queue<SmsJob>;
let superadmin: BrowserSession;
let admin: BrowserSession;

/** A request with the session cookie, as the board's page sends it (same origin). */
function asBrowser(s: BrowserSession, method: 'get' | 'put', path: string) {
  return request(t.app)
    [method](BOARD + path)
    .set('Cookie', s.cookie)
    .set('User-Agent', BROWSER)
    .set('Sec-Fetch-Site', 'same-origin');
}

/** A job that a worker failed on its only attempt, the way an SMTP server refuses a recipient. */
async function failedJob<T>(queue: Queue<T>, name: string, data: T, jobId: string, reason: string): Promise<void> {
  const worker = createQueue(queue.name, { redisUrl: t.config.redisUrl, prefix: t.config.redisPrefix });
  void worker.process('*', async () => {
    throw new Error(reason);
  });
  await queue.add(name, data, { jobId, attempts: 1 });
  await until(async () => (await queue.getJob(jobId))?.isFailed(), { what: `job ${jobId} to fail` });
  await worker.close();
}

async function boardActivities() {
  const rows = await t.db.knex('activities').where({ category: 'admin', topic: 'jobs' }).orderBy('id');
  return rows.map((r) => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> }));
}

beforeAll(async () => {
  t = await startTestApp();
  const options = { redisUrl: t.config.redisUrl, prefix: t.config.redisPrefix };
  mail = createQueue<QueuedMail>(MAIL_QUEUE_NAME, options);
  sms = createQueue<SmsJob>(SMS_QUEUE_NAME, options);
  const sealed = sealMail(
    { template: 'password_reset', to: EMAIL, data: { token: TOKEN }, idempotencyKey: MAIL_JOB },
    t.services.encryptor,
  );
  await failedJob(
    mail,
    'password_reset',
    sealed,
    MAIL_JOB,
    `Can't send mail - all recipients were rejected: 550 5.1.1 <${EMAIL}>: Recipient address rejected`,
  );
  await failedJob(
    sms,
    'phone_code',
    {
      provider: 'twilio_sms',
      channel: 'sms',
      phoneId: 7,
      challenge: '2026-12-07T19:00:00Z',
      expiresAt: '2026-12-07T19:10:00Z',
      sealed: t.services.encryptor.encrypt(JSON.stringify({ to: PHONE, code: '123456' })),
      idempotencyKey: SMS_JOB,
    },
    SMS_JOB,
    `The 'To' number ${PHONE} is not a valid phone number`,
  );
  superadmin = await login(t, await createUser(t, { role: 'superadmin' }));
  admin = await login(t, await createUser(t, { role: 'admin' }));
});

afterAll(async () => {
  await Promise.allSettled([mail?.close(), sms?.close()]);
  await t?.close();
});

describe('who may open the board', () => {
  it('anonymous: 401, for the page and its API', async () => {
    for (const path of ['', '/api/queues']) {
      const res = await request(t.app).get(BOARD + path);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ errors: ['jwt.decode_and_verify'] });
    }
  });

  it('an admin whose role lacks the Queue ability: 403, reading or writing', async () => {
    const page = await asBrowser(admin, 'get', '');
    expect(page.status).toBe(403);
    expect(page.body).toEqual({ errors: ['admin.ability.not_permitted'] });
    const retry = await asBrowser(admin, 'put', `/api/queues/mail/${encodeURIComponent(MAIL_JOB)}/retry`);
    expect(retry.status).toBe(403);
    expect(await (await mail.getJob(MAIL_JOB))!.getState()).toBe('failed');
  });

  it('a plain user with a Bearer token: 403', async () => {
    const member = await createUser(t);
    const token = await bearer(t, member);
    const res = await request(t.app).get(`${BOARD}/api/queues`).set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(403);
  });
});

describe('what a superadmin sees', () => {
  it('the page: HTML under a CSP that lets the board run its own scripts only', async () => {
    const res = await asBrowser(superadmin, 'get', '');
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/html');
    expect(res.text).toContain('<base href="/admin/queues/"');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(res.headers).not.toHaveProperty('x-powered-by');
  });

  it('a path the board does not serve gets the API’s 404; another spelling of the board’s path names nothing', async () => {
    const unknown = await asBrowser(superadmin, 'get', '/api/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ errors: ['route.not_found'] });
    expect(unknown.headers).not.toHaveProperty('x-powered-by');
    const shouting = await request(t.app).get('/ADMIN/queues').set('Cookie', superadmin.cookie);
    expect(shouting.status).toBe(404);
  });

  it('the queues, with every job field that could hold personal data redacted', async () => {
    const res = await asBrowser(superadmin, 'get', '/api/queues?activeQueue=mail&status=failed&page=1&jobsPerPage=10');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(['mail', 'sms']);
    const queue = res.body.queues.find((q: { name: string }) => q.name === 'mail');
    expect(queue.counts.failed).toBe(1);
    const [job] = queue.jobs;
    expect(job).toMatchObject({
      id: MAIL_JOB,
      name: 'password_reset',
      data: { template: 'password_reset', language: null, idempotencyKey: MAIL_JOB, sealed: '[sealed]' },
      failedReason: "Can't send mail - all recipients were rejected: 550 5.1.1 <[email]>: Recipient address rejected",
    });
    const shown = JSON.stringify(res.body);
    expect(shown).not.toContain(EMAIL);
    expect(shown).not.toContain(TOKEN);

    const smsJob = await asBrowser(superadmin, 'get', `/api/queues/sms/${encodeURIComponent(SMS_JOB)}`);
    expect(smsJob.status).toBe(200);
    expect(smsJob.body.job).toMatchObject({
      data: { provider: 'twilio_sms', channel: 'sms', phoneId: '[redacted]', sealed: '[sealed]' },
      failedReason: "The 'To' number [number] is not a valid phone number",
    });
    expect(JSON.stringify(smsJob.body)).not.toContain(PHONE.slice(1));
  });

  it('job log lines, with addresses and numbers masked', async () => {
    await (await mail.getJob(MAIL_JOB))!.log(`SMTP said: 550 <${EMAIL}> unknown; fallback ${PHONE}`);
    const res = await asBrowser(superadmin, 'get', `/api/queues/mail/${encodeURIComponent(MAIL_JOB)}/logs`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(['SMTP said: 550 <[email]> unknown; fallback [number]']);
  });
});

describe('changes through the board', () => {
  it('a write from another site is refused, whatever the credential', async () => {
    const path = `${BOARD}/api/queues/mail/${encodeURIComponent(MAIL_JOB)}/retry`;
    const cross = await request(t.app)
      .put(path)
      .set('Cookie', superadmin.cookie)
      .set('User-Agent', BROWSER)
      .set('Sec-Fetch-Site', 'same-site');
    expect(cross.status).toBe(403);
    expect(cross.body).toEqual({ errors: ['authz.cross_site_request'] });
    const foreignOrigin = await request(t.app)
      .put(path)
      .set('Cookie', superadmin.cookie)
      .set('User-Agent', BROWSER)
      .set('Origin', 'https://evil.example');
    expect(foreignOrigin.status).toBe(403);
    expect(await (await mail.getJob(MAIL_JOB))!.getState()).toBe('failed');
  });

  it('editing or adding job data is refused: the board only sees it redacted', async () => {
    const add = await asBrowser(superadmin, 'put', '/api/queues/mail/add');
    expect(add.status).toBe(404); // the board's add is a POST: a PUT names no route
    const edit = await request(t.app)
      .patch(`${BOARD}/api/queues/mail/${encodeURIComponent(MAIL_JOB)}/update-data`)
      .set('Cookie', superadmin.cookie)
      .set('User-Agent', BROWSER)
      .set('Sec-Fetch-Site', 'same-origin')
      .send({ data: { sealed: '[sealed]' } });
    expect(edit.status).toBe(403);
    expect((await mail.getJob(MAIL_JOB))!.data.sealed).not.toBe('[sealed]');
  });

  it('retrying a failed job puts it back in the queue and records one admin activity', async () => {
    const before = (await boardActivities()).length;
    const res = await asBrowser(superadmin, 'put', `/api/queues/mail/${encodeURIComponent(MAIL_JOB)}/retry`);
    expect(res.status).toBe(204);
    expect(await (await mail.getJob(MAIL_JOB))!.getState()).toBe('waiting');
    const recorded = (await boardActivities()).slice(before);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      user_id: expect.any(Number),
      target_uid: '',
      action: 'update',
      result: 'succeed',
      data: { via: 'queue_board', action: 'retry', queue: 'mail', job: MAIL_JOB },
    });
  });

  it('retrying all failed jobs of a queue, with the session CSRF token instead of Sec-Fetch-Site', async () => {
    const before = (await boardActivities()).length;
    const res = await request(t.app)
      .put(`${BOARD}/api/queues/sms/retry/failed`)
      .set('Cookie', superadmin.cookie)
      .set('User-Agent', BROWSER)
      .set('X-CSRF-Token', superadmin.csrf);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ retried: 1, skipped: 0 });
    expect(await (await sms.getJob(SMS_JOB))!.getState()).toBe('waiting');
    expect((await boardActivities()).slice(before)).toMatchObject([
      { data: { via: 'queue_board', action: 'retry_all', queue: 'sms', status: 'failed', count: 1 } },
    ]);
    const none = await asBrowser(superadmin, 'put', '/api/queues/sms/retry/failed');
    expect(none.body).toEqual({ retried: 0, skipped: 0 });
    expect((await boardActivities()).length).toBe(before + 1); // nothing retried, nothing recorded
  });

  it('a retry that did nothing (the job is no longer failed) is refused and not recorded', async () => {
    const before = (await boardActivities()).length;
    const res = await asBrowser(superadmin, 'put', `/api/queues/mail/${encodeURIComponent(MAIL_JOB)}/retry`);
    expect(res.status).toBe(403);
    expect((await boardActivities()).length).toBe(before);
  });

  it('pausing and resuming a queue are recorded too', async () => {
    const before = (await boardActivities()).length;
    expect((await asBrowser(superadmin, 'put', '/api/queues/mail/pause')).status).toBe(200);
    expect(await mail.isPaused()).toBe(true);
    expect((await asBrowser(superadmin, 'put', '/api/queues/mail/resume')).status).toBe(200);
    expect((await boardActivities()).slice(before).map((a) => a.data.action)).toEqual(['pause', 'resume']);
  });
});
