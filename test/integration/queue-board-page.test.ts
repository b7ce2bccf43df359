/**
 * The queue dashboard in a real browser: Debian's Chromium, driven by playwright-core, signs in as a superadmin
 * through the identity API, opens /admin/queues, finds both queues, opens the failed mail job and retries it with
 * the board's own button: the browser's same-origin write passes the board's CSRF rule, the job goes back to
 * waiting and the retry is recorded. The page must run under its own CSP; a screenshot is kept in
 * test/artifacts/queue-board.png.
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app.js';
import { createUser } from '../support/factories.js';
import { until } from '../support/wait.js';
import { createQueue, type Queue } from '../../src/queues/create-queue.js';
import { MAIL_QUEUE_NAME, sealMail, type QueuedMail } from '../../src/queues/mail-queue.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = new URL('../artifacts/', import.meta.url);
const SCREENSHOT = new URL('queue-board.png', ARTIFACTS);
const EMAIL = 'page.reader@example.com';
const JOB = 'email_confirmation:7d0c1e4a-2b35-4a8f-9d61-3f2e8a9b0c11';
/** The board's page names a Google Fonts stylesheet; the CSP keeps the page from fetching it (no third party). */
const FONT_STYLESHEET = /fonts\.googleapis\.com/;

describe('queue dashboard page', () => {
  let t: TestApp;
  let server: Server;
  let browser: Browser;
  let page: Page;
  let mail: Queue<QueuedMail>;
  let base: string;
  const problems: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`queue-board-page.test.ts needs Chromium at ${CHROMIUM}: apt-get install -y chromium`);
    t = await startTestApp();
    const options = { redis: t.config.redis, prefix: t.config.redisPrefix };
    mail = createQueue<QueuedMail>(MAIL_QUEUE_NAME, options);
    const worker = createQueue(MAIL_QUEUE_NAME, options);
    void worker.process('*', async () => {
      throw new Error(`550 5.1.1 <${EMAIL}>: Recipient address rejected`);
    });
    const sealed = sealMail(
      { template: 'email_confirmation', to: EMAIL, data: { token: 'secret-token' }, idempotencyKey: JOB },
      t.services.encryptor,
    );
    await mail.add('email_confirmation', sealed, { jobId: JOB, attempts: 1 });
    await until(async () => (await mail.getJob(JOB))?.isFailed(), { what: 'the mail job to fail' });
    await worker.close();

    server = t.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Signed in the way a browser is: the identity API sets the session cookie in this browser context.
    const admin = await createUser(t, { role: 'superadmin' });
    const signIn = await context.request.post(`${base}/api/v2/barong/identity/sessions`, {
      data: { email: admin.email, password: admin.password },
    });
    expect(signIn.status()).toBe(201);
    page = await context.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !FONT_STYLESHEET.test(msg.text())) problems.push(msg.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await mail?.close();
    await t?.close();
  });

  it('shows both queues', async () => {
    const answer = await page.goto(`${base}/admin/queues`);
    expect(answer?.status()).toBe(200);
    await expect.poll(() => page.getByText('sms', { exact: true }).count(), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await page.getByText('mail', { exact: true }).count()).toBeGreaterThan(0);
  });

  it('shows the failed job redacted, and retries it with the board’s button', async () => {
    await page.goto(`${base}/admin/queues/queue/mail?status=failed`);
    await expect.poll(() => page.getByText(JOB).count(), { timeout: 20_000 }).toBeGreaterThan(0);
    // The failure reason, highlighted once the board's highlighter has loaded, with the recipient masked.
    await expect.poll(() => page.getByText('550 5.1.1 <[email]>').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: SCREENSHOT.pathname, fullPage: true });
    await page.getByRole('tab', { name: 'Data' }).click();
    await expect.poll(() => page.getByText('"[sealed]"').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await page.content()).not.toContain(EMAIL);
    // The job's own retry icon (the first one on the page is the queue's "Retry all").
    await page
      .locator('button', { has: page.locator('svg.lucide-refresh-cw') })
      .last()
      .click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Confirm' }).click();
    await until(async () => (await (await mail.getJob(JOB))!.getState()) === 'waiting', {
      what: 'the job to be back in the queue',
    });
    // The audit row is written once the retry took effect, a moment after the job moved.
    const audited = () => t.db.knex('activities').where({ category: 'admin', topic: 'jobs' });
    await until(async () => (await audited()).length > 0, { what: 'the retry to be audited' });
    const recorded = await audited();
    expect(recorded.map((r) => JSON.parse(r.data))).toEqual([
      { via: 'queue_board', action: 'retry', queue: 'mail', job: JOB },
    ]);
  });

  it('runs without errors or CSP violations in the console', () => {
    expect(problems).toEqual([]);
  });
});
