/**
 * Pieces of the gateway authorizer that need no server: the rules file parser and watcher, JWT reuse, the upstream
 * path and cookie readers, and Akamai's True-Client-IP.
 */
import { afterEach, describe, expect, it } from 'vitest';
import express, { type Request } from 'express';
import request from 'supertest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuthzRules, DEFAULT_AUTHZ_RULES_FILE, parseAuthzRules } from '../../src/domain/authz/authz-rules.js';
import { IssuedTokens } from '../../src/domain/authz/issued-tokens.js';
import { cookieValue, upstreamPath } from '../../src/api/authz/authz-handlers.js';
import { trustTrueClientIp } from '../../src/api/authz/client-ip.js';
import { createLogger } from '../../src/lib/logger.js';
import type { SessionClaims } from '../../src/domain/tokens/session-jwt.js';
import { until } from '../support/wait.js';

const logger = createLogger('silent');

describe('rules file', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("ships Barong's defaults", () => {
    const rules = new AuthzRules(DEFAULT_AUTHZ_RULES_FILE, logger);
    rules.close();
    expect(rules.current).toEqual({
      pass: [
        'api/v2/barong/public',
        'api/v2/barong/identity',
        'api/v2/peatio/public',
        'api/v2/ranger/public',
        'api/v2/applogic/public',
        'api/v2/arke/public',
        'api/v2/finex/public',
      ],
      block: ['api/v2/barong/management', 'api/v2/peatio/management'],
    });
    expect(rules.verdict('api/v2/barong/management/x')).toBe('block');
    expect(rules.verdict('api/v2/barong/publicity')).toBe('pass'); // plain prefix, as Barong
    expect(rules.verdict('api/v2/peatio/account')).toBeUndefined();
  });

  it('block wins over pass; a leading slash is ignored; a missing list is empty', () => {
    const parsed = parseAuthzRules('rules:\n  pass: [/api/v2/x]\n  block: [api/v2/x/secret]\n');
    expect(parsed).toEqual({ pass: ['api/v2/x'], block: ['api/v2/x/secret'] });
    expect(parseAuthzRules('rules:\n  pass: [a/b]\n')).toEqual({ pass: ['a/b'], block: [] });
  });

  it.each([
    ['', /empty/],
    ['rules: [a]', /rules/],
    ['rules:\n  pass: a', /pass must be a list/],
    ['rules:\n  pass: [1]', /pass\[0\] must be a string/],
    ['rules:\n  block: [" "]', /block\[0\] is empty/],
    ['rules:\n  allow: [a]', /unknown rules: allow/],
    ['rules: {pass: [a', /./],
  ])('refuses %j', (text, message) => {
    expect(() => parseAuthzRules(text)).toThrow(message);
  });

  it('a broken file stops the start; a later broken version keeps the rules in force; changes are followed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'authz-rules-unit-'));
    dirs.push(dir);
    const file = join(dir, 'rules.yml');
    writeFileSync(file, 'rules: {pass: [a');
    expect(() => new AuthzRules(file, logger)).toThrow(/gateway rules file .*rules\.yml/);
    expect(() => new AuthzRules(join(dir, 'missing.yml'), logger)).toThrow(/missing\.yml/);

    writeFileSync(file, 'rules: {pass: [a], block: [b]}');
    const rules = new AuthzRules(file, logger, 50);
    try {
      // The file is polled, and the poller takes its first look in the background: a change written before that look
      // would be its baseline. Writing again until the change is seen covers both that and a loaded machine.
      const changed = () => rules.current.pass[0] === 'c';
      await until(
        () => {
          if (!changed()) writeFileSync(file, 'rules: {pass: [c], block: [d, e]}');
          return changed();
        },
        { what: 'the changed rules file to be read', timeoutMs: 15_000, intervalMs: 300 },
      );
      expect(rules.current).toEqual({ pass: ['c'], block: ['d', 'e'] });
      writeFileSync(file, 'rules: {pass: 7}');
      expect(rules.reload()).toBe(false);
      expect(rules.current).toEqual({ pass: ['c'], block: ['d', 'e'] });
    } finally {
      rules.close();
    }
  });
});

describe('JWT reuse', () => {
  const claims = { uid: 'ID1', email: 'a@b.c', role: 'member', level: 1, state: 'active' } as SessionClaims;

  function counting(ttl = 3600, max?: number) {
    let n = 0;
    const tokens = new IssuedTokens(async () => `token-${++n}`, ttl, max);
    return { tokens, signed: () => n };
  }

  it('hands the same token out while the version is unchanged; a new version signs anew', async () => {
    const { tokens, signed } = counting();
    expect(await tokens.tokenFor('s:a', 'v1', claims)).toBe('token-1');
    expect(await tokens.tokenFor('s:a', 'v1', claims)).toBe('token-1');
    expect(await tokens.tokenFor('s:a', 'v2', claims)).toBe('token-2');
    expect(await tokens.tokenFor('s:b', 'v2', claims)).toBe('token-3');
    expect(signed()).toBe(3);
    tokens.forget('s:a');
    expect(await tokens.tokenFor('s:a', 'v2', claims)).toBe('token-4');
  });

  it('signs anew once another key signs', async () => {
    let n = 0;
    let kid = 'old';
    const tokens = new IssuedTokens(
      async () => `token-${++n}`,
      3600,
      undefined,
      () => kid,
    );
    expect(await tokens.tokenFor('s:a', 'v1', claims)).toBe('token-1');
    expect(await tokens.tokenFor('s:a', 'v1', claims)).toBe('token-1');
    kid = 'new';
    expect(await tokens.tokenFor('s:a', 'v1', claims)).toBe('token-2');
    expect(await tokens.tokenFor('s:a', 'v1', claims)).toBe('token-2');
  });

  it('stops handing a token out before it expires (at most half its life, 60 s at most before expiry)', async () => {
    const { tokens } = counting(0.1); // 100 ms tokens: reused for 50 ms
    const first = await tokens.tokenFor('k:x', 'v', claims);
    expect(await tokens.tokenFor('k:x', 'v', claims)).toBe(first);
    await sleep(80);
    expect(await tokens.tokenFor('k:x', 'v', claims)).not.toBe(first);
  });

  it('is bounded: the least recently used holder goes first', async () => {
    const { tokens } = counting(3600, 2);
    await tokens.tokenFor('a', 'v', claims); // token-1
    await tokens.tokenFor('b', 'v', claims); // token-2
    await tokens.tokenFor('a', 'v', claims); // reused; b is now the oldest
    await tokens.tokenFor('c', 'v', claims); // token-3 evicts b
    expect(tokens.size).toBe(2);
    expect(await tokens.tokenFor('a', 'v', claims)).toBe('token-1');
    expect(await tokens.tokenFor('b', 'v', claims)).toBe('token-4');
  });
});

describe('request readers', () => {
  const target = (originalUrl: string) => ({ originalUrl }) as unknown as Request;

  it('upstreamPath takes the canonical form of the raw path after either mount, without the query string', () => {
    expect(upstreamPath(target('/api/v2/barong/auth/api/v2/peatio/orders?x=/../y'))).toBe('api/v2/peatio/orders');
    expect(upstreamPath(target('/api/v2/auth/api//v2/x/'))).toBe('api/v2/x/');
    expect(upstreamPath(target('/api/v2/barong/auth/api/v2/resource/../admin'))).toBe('api/v2/admin');
    expect(upstreamPath(target('/api/v2/barong/auth/api%2Fv2%2Fa'))).toBe('api/v2/a');
    expect(upstreamPath(target('/api/v2/barong/auth'))).toBe('');
  });

  it.each([
    '/api/v2/barong/auth/../x',
    '/api/v2/barong/auth/a%zz',
    'http://evil/api/v2/barong/auth/a',
    '/api/v2/barong/authx/a',
  ])('upstreamPath refuses %j with 400 authz.invalid_path', (url) => {
    expect(() => upstreamPath(target(url))).toThrow(
      expect.objectContaining({ status: 400, body: { errors: ['authz.invalid_path'] } }),
    );
  });

  it('cookieValue finds one cookie', () => {
    expect(cookieValue('a=1; _barong_session=abc; b=2', '_barong_session')).toBe('abc');
    expect(cookieValue('_barong_session="q%20r"', '_barong_session')).toBe('q r');
    expect(cookieValue('x_barong_session=abc', '_barong_session')).toBeUndefined();
    expect(cookieValue(undefined, '_barong_session')).toBeUndefined();
    expect(cookieValue('_barong_session=%E0%A4%A', '_barong_session')).toBe('%E0%A4%A');
  });
});

describe('True-Client-IP (BARONG_GATEWAY=akamai)', () => {
  function app(trust: string) {
    const a = express();
    a.set('trust proxy', trust);
    trustTrueClientIp(a);
    a.get('/ip', (req, res) => {
      res.json({ ip: req.ip });
    });
    return a;
  }

  it('is taken from a trusted proxy only, and only when it is an address', async () => {
    const trusted = app('loopback');
    expect((await request(trusted).get('/ip').set('True-Client-IP', '192.0.2.1')).body.ip).toBe('192.0.2.1');
    expect(
      (await request(trusted).get('/ip').set('True-Client-IP', 'x').set('X-Forwarded-For', '192.0.2.2')).body.ip,
    ).toBe('192.0.2.2');
    const untrusted = app('10.0.0.0/8');
    const res = await request(untrusted)
      .get('/ip')
      .set('True-Client-IP', '192.0.2.1')
      .set('X-Forwarded-For', '192.0.2.2');
    expect(res.body.ip).toMatch(/127\.0\.0\.1$/);
  });
});
