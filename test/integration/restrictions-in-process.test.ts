/**
 * Issue 8, item 6: IP restrictions hold on this server's own identity, resource and public operations, not only in
 * the gateway authorizer (the nginx configuration in docs/gateways.md proxies /api/v2/barong/ straight here). One check per
 * operation, from the same cached policy, before the access guards; blocklogin by operationId (createSession and
 * createAuth0Session), so no spelling of the login path walks around it. Clients come from X-Forwarded-For
 * (loopback is a trusted proxy in tests).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createUser, STRONG_PASSWORD, uniqueEmail } from '../support/factories.js';
import { bearer, BROWSER, login } from '../support/account-client.js';
import type { RestrictionInput } from '../../src/domain/authz/restrictions-admin.js';
import { loadContract, operationsOf } from '../../src/api/contract.js';

const BASE = '/api/v2/barong';
const BAD = '198.51.100.66';
const GOOD = '198.51.100.67';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(async () => {
  await t.db.knex('restrictions').del();
  await t.services.policy.reload();
});

const restrict = (input: RestrictionInput) => t.services.restrictionsAdmin.create(input);
const from = (ip: string, method: 'get' | 'post' | 'delete', path: string) =>
  request(t.app)
    [method](BASE + path)
    .set('User-Agent', BROWSER)
    .set('X-Forwarded-For', ip);
const denial = (category: string) => ({ errors: [`authz.restrict.${category}`] });

const signUp = (ip: string) =>
  from(ip, 'post', '/identity/users').send({ email: uniqueEmail('restricted'), password: STRONG_PASSWORD });
const logIn = (ip: string, email: string, path = '/identity/sessions') =>
  from(ip, 'post', path).send({ email, password: STRONG_PASSWORD });

describe('blacklist and maintenance on every operation', () => {
  it('a blacklisted IP can neither sign up, log in, use the resource API nor ping; other clients can', async () => {
    const user = await createUser(t);
    const token = await bearer(t, user);
    await restrict({ category: 'blacklist', scope: 'ip', value: BAD });

    await signUp(BAD).expect(401, denial('blacklist'));
    await logIn(BAD, user.email).expect(401, denial('blacklist'));
    await from(BAD, 'get', '/resource/users/me')
      .set('Authorization', `Bearer ${token}`)
      .expect(401, denial('blacklist'));
    await from(BAD, 'get', '/public/ping').expect(401, denial('blacklist'));
    await from(BAD, 'get', '/identity/.well-known/jwks.json').expect(401, denial('blacklist'));

    await signUp(GOOD).expect(201);
    await logIn(GOOD, user.email).expect(201);
    await from(GOOD, 'get', '/resource/users/me').set('Authorization', `Bearer ${token}`).expect(200);
  });

  it("comes before the access guards and the validator: no credentials and no body still get the restriction's answer", async () => {
    await restrict({ category: 'blacklist', scope: 'ip_subnet', value: '198.51.100.0/24', code: 451 });
    await from(BAD, 'get', '/resource/users/me').expect(451, denial('blacklist'));
    await from(BAD, 'post', '/identity/users').send({}).expect(451, denial('blacklist'));
    await from('203.0.113.1', 'get', '/resource/users/me').expect(401);
  });

  it('maintenance → 471 for everyone; a whitelisted client passes; the whitelink operation stays open', async () => {
    await restrict({ category: 'maintenance', scope: 'all', value: 'all' });
    await restrict({ category: 'whitelist', scope: 'ip', value: GOOD });
    await from(BAD, 'get', '/public/ping').expect(471, denial('maintenance'));
    await from(GOOD, 'get', '/public/ping').expect(200);
    const token = await t.services.whitelink.issue(60);
    await from(BAD, 'post', '/identity/users/access').send({ whitelink_token: token }).expect(200, {});
    await from(BAD, 'get', '/public/ping').expect(200);
  });

  it('a restriction created or removed takes effect at once, without a restart', async () => {
    await from(BAD, 'get', '/public/ping').expect(200);
    const row = await restrict({ category: 'blacklist', scope: 'ip', value: BAD });
    await from(BAD, 'get', '/public/ping').expect(401, denial('blacklist'));
    await t.services.restrictionsAdmin.delete(row.id);
    await from(BAD, 'get', '/public/ping').expect(200);
  });
});

describe('blocklogin', () => {
  it('refuses the login operations, whatever the spelling of their path, and nothing else', async () => {
    const user = await createUser(t);
    const s = await login(t, user, { ip: BAD });
    await restrict({ category: 'blocklogin', scope: 'ip', value: BAD });

    await logIn(BAD, user.email).expect(401, denial('blocklogin'));
    await logIn(BAD, user.email, '/identity/sessions/').expect(401, denial('blocklogin'));
    for (const path of ['/identity/Sessions', '/Identity/sessions/']) {
      const res = await logIn(BAD, user.email, path);
      expect([401, 404], path).toContain(res.status); // 404 where routing is case-sensitive
      if (res.status === 401) expect(res.body).toEqual(denial('blocklogin'));
    }
    await from(BAD, 'post', '/identity/sessions/auth0').send({ id_token: 'x' }).expect(401, denial('blocklogin'));

    await logIn(GOOD, user.email).expect(201);
    await from(BAD, 'get', '/public/ping').expect(200);
    await signUp(BAD).expect(201);
    // Logging out is not logging in (the restriction ended every session, so there is none to end).
    const logout = await from(BAD, 'delete', '/identity/sessions').set('Cookie', s.cookie);
    expect(logout.body).not.toEqual(denial('blocklogin'));
  });
});

describe('the contract', () => {
  // The management API is called by the exchange's services directly, not through the gateway: no restrictions.
  it("documents the restrictions' default answers on every operation but the gateway authorizer's and the management API's", () => {
    const { oas3 } = loadContract();
    const missing = operationsOf(oas3)
      .filter(({ operation }) => !operation.tags?.includes('authz') && !operation['x-management-scope'])
      .flatMap(({ operation }) =>
        ['401', '403', '423', '471']
          .filter((status) => !operation.responses[status])
          .map((status) => `${operation.operationId} ${status}`),
      );
    expect(missing).toEqual([]);
    expect(oas3.components.responses.Restricted471.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Errors',
    });
  });
});
