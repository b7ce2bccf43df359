/**
 * The gateway's pass and block lists from BARONG_AUTHZ_RULES_FILE (reference §5.2): read at start, followed when
 * the file changes (a replaced file too), a broken version ignored with the previous rules kept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestApp, type TestApp } from '../support/app.js';
import { until } from '../support/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'barong-authz-rules-'));
const file = join(dir, 'authz_rules.yml');
const rules = (pass: string[], block: string[]) =>
  `rules:\n  pass:\n${pass.map((p) => `    - ${p}\n`).join('')}  block:\n${block.map((p) => `    - ${p}\n`).join('')}`;

let t: TestApp;

beforeAll(async () => {
  writeFileSync(file, rules(['api/v2/custom/open'], ['api/v2/custom/closed']));
  t = await startTestApp({ BARONG_AUTHZ_RULES_FILE: file });
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The gateway re-reads the rules file on a timer, so a change shows only after a poll or two. */
const RELOADED = { intervalMs: 100, what: 'the rules file change to be picked up' };
const gate = (path: string) => request(t.app).get(`/api/v2/barong/auth/${path}`);

describe('rules file', () => {
  it("replaces Barong's defaults: its pass list passes, its block list blocks, the defaults no longer apply", async () => {
    expect((await gate('api/v2/custom/open/x').expect(200)).headers.authorization).toBeUndefined();
    await gate('api/v2/custom/closed/x').expect(401, { errors: ['authz.permission_denied'] });
    await gate('api/v2/barong/public/ping').expect(401, { errors: ['authz.invalid_session'] });
    await gate('api/v2/barong/management/x').expect(401, { errors: ['authz.invalid_session'] });
  });

  it('is followed when it changes, also when replaced by a new file, and a broken version keeps the rules in force', async () => {
    writeFileSync(file, rules(['api/v2/custom/closed'], ['api/v2/custom/open']));
    await until(async () => (await gate('api/v2/custom/closed/x')).status === 200, RELOADED);
    await gate('api/v2/custom/open/x').expect(401, { errors: ['authz.permission_denied'] });

    // Editors and config maps write a new file and rename it over the old one.
    const next = join(dir, 'next.yml');
    writeFileSync(next, rules(['api/v2/barong/public'], []));
    renameSync(next, file);
    await until(async () => (await gate('api/v2/barong/public/ping')).status === 200, RELOADED);
    await gate('api/v2/custom/open/x').expect(401, { errors: ['authz.invalid_session'] });

    writeFileSync(file, 'rules: [this is: not, valid');
    await sleep(2500); // more than one poll
    expect(t.services.authzRules.current).toEqual({ pass: ['api/v2/barong/public'], block: [] });
    await gate('api/v2/barong/public/ping').expect(200);

    writeFileSync(file, rules([], ['']));
    await sleep(2500);
    await gate('api/v2/barong/public/ping').expect(200);
  });
});
