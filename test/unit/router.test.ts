import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { buildRouters } from '../../src/api/router.js';
import { loadContract } from '../../src/api/contract.js';
import { errorHandler } from '../../src/api/middleware/error-handler.js';
import { createLogger } from '../../src/lib/logger.js';
import { NOT_IMPLEMENTED, type RouteTable } from '../../src/api/types.js';
import { notImplementedTable, openGuards } from '../support/route-table.js';

const contract = loadContract();
const guards = openGuards;
const noBody = () => [];
const noValidation = () => (_req: unknown, _res: unknown, next: () => void) => next();

const table = () => notImplementedTable(contract);

describe('the route table against the contract', () => {
  it('an operation marked not implemented answers 501 server.not_implemented from one place', async () => {
    const { api } = buildRouters(contract, table() as RouteTable, guards, noBody, noValidation);
    const app = express()
      .use(api)
      .use(errorHandler(createLogger('silent')));
    const res = await request(app).get('/api/v2/barong/public/ping');
    expect(res.status).toBe(501);
    expect(res.body).toEqual({ errors: ['server.not_implemented'] });
  });

  it('refuses to start when an operation has no handler', () => {
    const t = table();
    delete t.createUser;
    expect(() => buildRouters(contract, t as RouteTable, guards, noBody, noValidation)).toThrow(
      /createUser has no handler/,
    );
  });

  it("refuses to start when an admin route's ability is not the contract's x-ability", () => {
    const t = table();
    t.adminListUsers = { access: { admin: { action: 'manage', subject: 'User' } }, handler: NOT_IMPLEMENTED };
    expect(() => buildRouters(contract, t as RouteTable, guards, noBody, noValidation)).toThrow(
      /adminListUsers: the contract's x-ability/,
    );
    t.adminListUsers = { access: 'user', handler: NOT_IMPLEMENTED };
    expect(() => buildRouters(contract, t as RouteTable, guards, noBody, noValidation)).toThrow(
      /adminListUsers: the contract's x-ability/,
    );
  });

  it('refuses to start when a handler has no operation', () => {
    const t = { ...table(), notInTheContract: { access: 'public', handler: NOT_IMPLEMENTED } };
    expect(() => buildRouters(contract, t as unknown as RouteTable, guards, noBody, noValidation)).toThrow(
      /notInTheContract has no operation/,
    );
  });
});

describe('handlers run only behind the validator', () => {
  it('a request the validator did not check as this operation names no route, and the handler never runs', async () => {
    let ran = 0;
    const t = table();
    t.publicPing = { access: 'public', handler: async () => ((ran += 1), { status: 200, body: { ping: 'pong' } }) };
    const { api } = buildRouters(contract, t as RouteTable, guards, noBody, noValidation);
    const app = express()
      .use(api)
      .use(errorHandler(createLogger('silent')));
    await request(app)
      .get('/api/v2/barong/public/ping')
      .expect(404, { errors: ['route.not_found'] });
    const stamped = express()
      .use((req, _res, next) => {
        Object.assign(req, { openapi: { schema: { operationId: 'publicPing' } } });
        next();
      })
      .use(api);
    await request(stamped).get('/api/v2/barong/public/ping').expect(200, { ping: 'pong' });
    expect(ran).toBe(1);
  });
});
