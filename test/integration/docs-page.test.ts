/**
 * The API reference page in a real browser: Debian's Chromium, driven by playwright-core, loads
 * /api/v2/barong/docs from a listening test app, finds every operation of every published document in the page,
 * runs "try it" on GET /public/ping against the same server, and keeps a screenshot in test/artifacts/docs-page.png.
 * The page must run under its own CSP: a violation fails the test.
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { loadContract, operationsOf } from '../../src/api/contract.js';
import { publishedDocuments } from '../../src/api/docs/docs-page.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = new URL('../artifacts/', import.meta.url);
const SCREENSHOT = new URL('docs-page.png', ARTIFACTS);
const PING = '#operations-public-publicPing';

/** The operationIds the page shows now, in page order. */
function listedOperations(page: Page): Promise<string[]> {
  return page.locator('.opblock-summary-operation-id').allTextContents();
}

describe('API reference page', () => {
  let t: TestApp;
  let server: Server;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    // Not a skip: CI installs Chromium (.ci/run), so a missing browser is a broken machine, not an optional test.
    if (!existsSync(CHROMIUM))
      throw new Error(`docs-page.test.ts needs Chromium at ${CHROMIUM}: apt-get install -y chromium`);
    t = await startTestApp();
    server = t.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    // Root in a container has no user namespace for Chromium's sandbox.
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(msg.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));
    const { port } = server.address() as AddressInfo;
    const answer = await page.goto(`http://127.0.0.1:${port}/api/v2/barong/docs`);
    expect(answer?.status()).toBe(200);
    expect(answer?.headers()['content-security-policy']).toContain("script-src 'self'");
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await t?.close();
  });

  const documents = publishedDocuments(loadContract().swagger);

  it.each(documents)('lists every operation of $name', async ({ name, swagger }) => {
    const expected = operationsOf(swagger).map((o) => o.operation.operationId as string);
    expect(expected.length).toBeGreaterThan(0);
    await page.selectOption('.topbar select', { label: name });
    await expect
      .poll(async () => (await listedOperations(page)).sort(), { timeout: 20_000 })
      .toEqual([...expected].sort());
  });

  it('runs "try it" on GET /public/ping against the same server', async () => {
    await page.selectOption('.topbar select', { label: documents[0]!.name });
    await page.locator(`${PING} .opblock-summary-control`).click();
    await page.locator(`${PING} button.try-out__btn`).click();
    await page.locator(`${PING} button.execute`).click();
    const live = page.locator(`${PING} .live-responses-table`);
    await expect
      .poll(() => live.locator('tr.response .response-col_status').first().textContent(), { timeout: 20_000 })
      .toContain('200');
    expect(await live.textContent()).toContain('pong');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.locator(PING).scrollIntoViewIfNeeded();
    await page.screenshot({ path: SCREENSHOT.pathname, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });

  it('is GET only, serves only the assets it loads, and answers on the base the stock gateway forwards', async () => {
    expect((await request(t.app).post('/api/v2/barong/docs')).status).toBe(404);
    expect((await request(t.app).delete('/api/v2/barong/docs/admin.json')).status).toBe(404);
    expect((await request(t.app).get('/api/v2/barong/docs/assets/swagger-initializer.js')).status).toBe(404);
    expect((await request(t.app).get('/api/v2/barong/docs/assets/index.html')).status).toBe(404);
    const rewritten = await request(t.app).get('/api/v2/docs/management.json');
    expect(rewritten.status).toBe(200);
    expect(rewritten.body).toMatchObject({ swagger: '2.0', basePath: '/api/v2/barong/management' });
    expect(rewritten.body).not.toHaveProperty('schemes');
  });

  it('runs without errors or CSP violations in the console', () => {
    expect(problems).toEqual([]);
  });
});
