import { Writable } from 'node:stream';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { loadContract } from '../../src/api/contract.js';
import { createLogger } from '../../src/lib/logger.js';
import { asRouteTable, notImplementedTable, openGuards } from '../support/route-table.js';

describe('request logs', () => {
  it('never contain query strings, cookies or authorization headers', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
    const logger = createLogger('info', 'barong', sink);
    const contract = loadContract();
    const routes = asRouteTable(notImplementedTable(contract));
    const app = createApp({
      config: loadConfig({ NODE_ENV: 'development' }),
      logger,
      contract,
      routes,
      guards: openGuards,
    });
    await request(app)
      .delete('/api/v2/barong/resource/users/me?password=Secret-Password-1&otp_code=123456')
      .set('Cookie', '_barong_session=abc')
      .set('Authorization', 'Bearer token-value');
    const log = lines.join('');
    expect(log).toContain('/api/v2/barong/resource/users/me');
    for (const secret of ['Secret-Password-1', '123456', 'abc', 'token-value']) expect(log).not.toContain(secret);
  });
});
