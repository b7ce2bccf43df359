/**
 * Restrictions through the gateway endpoint (reference §5.2 step 1, §6): every category by every scope, with
 * Barong's default codes, client addresses from X-Forwarded-For (loopback is a trusted proxy) and countries and
 * continents from a MaxMind database the test writes (test/support/mmdb-writer.ts).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { createUser } from '../support/factories.js';
import { BROWSER, login } from '../support/account-client.js';
import { TEST_IPS } from '../support/mmdb-writer.js';
import { clearRestrictions, startGeoTestApp, type GeoTestApp } from '../support/geo-app.js';
import type { RestrictionInput } from '../../src/domain/authz/restrictions-admin.js';

const { JP, DE, UNKNOWN } = TEST_IPS;
const PING = 'api/v2/barong/public/ping';
const LOGIN = 'api/v2/barong/identity/sessions';
const WHITELINK = 'api/v2/barong/identity/users/access';

let t: GeoTestApp;

beforeAll(async () => {
  t = await startGeoTestApp();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(() => clearRestrictions(t));

const restrict = (input: RestrictionInput) => t.services.restrictionsAdmin.create(input);
const gate = (ip: string, path = PING, method: 'get' | 'post' | 'delete' = 'get') =>
  request(t.app)[method](`/api/v2/barong/auth/${path}`).set('User-Agent', BROWSER).set('X-Forwarded-For', ip);
const denial = (category: string) => ({ errors: [`authz.restrict.${category}`] });

/** Each scope: its value, a client it matches, one it does not, and Barong's default code for it. */
const SCOPES = [
  { scope: 'all', value: 'all', hit: JP, miss: undefined, code: 401 },
  { scope: 'ip', value: JP, hit: JP, miss: DE, code: 401 },
  { scope: 'ip_subnet', value: '203.0.113.0/24', hit: JP, miss: DE, code: 403 },
  { scope: 'country', value: 'Japan', hit: JP, miss: DE, code: 423 },
  { scope: 'continent', value: 'Europe', hit: DE, miss: JP, code: 423 },
] as const;

describe.each(SCOPES)('scope $scope', ({ scope, value, hit, miss, code }) => {
  it(`maintenance → 471 authz.restrict.maintenance for a matching client, on every path`, async () => {
    await restrict({ category: 'maintenance', scope, value });
    await gate(hit).expect(471, denial('maintenance'));
    await gate(hit, 'api/v2/peatio/account/balances').expect(471, denial('maintenance'));
    if (miss) await gate(miss).expect(200);
  });

  it(`blacklist → ${code} authz.restrict.blacklist for a matching client`, async () => {
    await restrict({ category: 'blacklist', scope, value });
    await gate(hit, 'api/v2/peatio/market/orders', 'post').expect(code, denial('blacklist'));
    if (miss) await gate(miss).expect(200);
  });

  it(`blocklogin → ${code} authz.restrict.blocklogin on the login paths only (any method; the Auth0 login too)`, async () => {
    await restrict({ category: 'blocklogin', scope, value });
    await gate(hit, LOGIN, 'post').expect(code, denial('blocklogin'));
    await gate(hit, `${LOGIN}/`, 'post').expect(code, denial('blocklogin'));
    await gate(hit, LOGIN, 'delete').expect(code, denial('blocklogin'));
    await gate(hit, 'api/v2/barong/identity/sessions/auth0', 'post').expect(code, denial('blocklogin'));
    await gate(hit).expect(200);
    await gate(hit, `${LOGIN}/other`, 'post').expect(200);
    if (miss) await gate(miss, LOGIN, 'post').expect(200);
  });

  it('whitelist → a matching client passes a maintenance of everyone; others do not', async () => {
    await restrict({ category: 'maintenance', scope: 'all', value: 'all' });
    await restrict({ category: 'whitelist', scope, value });
    await gate(hit).expect(200);
    if (miss) await gate(miss).expect(471, denial('maintenance'));
  });
});

describe('restrictions in the processing order', () => {
  it("a restriction's own code replaces the default", async () => {
    await restrict({ category: 'blacklist', scope: 'country', value: 'JP', code: 451 });
    await gate(JP).expect(451, denial('blacklist'));
  });

  it("a restriction's code is a 4xx or 5xx: another is refused (422 code.invalid), and one written by hand is not used", async () => {
    const admin = t.services.restrictionsAdmin;
    const keysOf = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: { status: number; keys: string[] }) => [e.status, e.keys],
      );
    for (const code of [100, 200, 204, 302, 399, 600]) {
      expect(await keysOf(restrict({ category: 'blacklist', scope: 'ip', value: JP, code })), String(code)).toEqual([
        422,
        ['code.invalid'],
      ]);
    }
    const row = await restrict({ category: 'blacklist', scope: 'ip', value: JP, code: 400 });
    expect(await keysOf(admin.update(row.id, { code: 299 }))).toEqual([422, ['code.invalid']]);
    await gate(JP).expect(400, denial('blacklist'));

    // Rows changed in SQL skip the validation: a denial still never answers 2xx or 3xx.
    for (const code of [200, 302]) {
      await t.db.knex('restrictions').update({ code });
      await t.services.policy.reload();
      await gate(JP).expect(401, denial('blacklist'));
      await request(t.app)
        .get('/api/v2/barong/public/ping')
        .set('X-Forwarded-For', JP)
        .expect(401, denial('blacklist'));
    }
  });

  it('a disabled restriction is ignored; unknown addresses match no geo rule', async () => {
    await restrict({ category: 'blacklist', scope: 'all', value: 'all', state: 'disabled' });
    await restrict({ category: 'blacklist', scope: 'country', value: 'Japan' });
    await gate(DE).expect(200);
    await gate(UNKNOWN).expect(200);
  });

  it('restrictions come before the block list and before any session check', async () => {
    const user = await createUser(t);
    const s = await login(t, user, { ip: JP });
    await restrict({ category: 'blacklist', scope: 'ip', value: JP });
    await gate(JP, 'api/v2/barong/management/users').expect(401, denial('blacklist'));
    await gate(JP, 'api/v2/peatio/account/balances').set('Cookie', s.cookie).expect(401, denial('blacklist'));
  });

  it("the whitelink path is exempt, so an operator's link works during maintenance", async () => {
    await restrict({ category: 'maintenance', scope: 'all', value: 'all' });
    await gate(JP, WHITELINK, 'post').expect(200);
    await gate(JP, `${WHITELINK}/more`, 'post').expect(471, denial('maintenance'));
  });

  it('a change takes effect at once in this process (no restart, no per-request SQL)', async () => {
    await gate(DE).expect(200);
    const row = await restrict({ category: 'maintenance', scope: 'continent', value: 'europe' });
    await gate(DE).expect(471, denial('maintenance'));
    await t.services.restrictionsAdmin.update(row.id, { state: 'disabled' });
    await gate(DE).expect(200);
    expect(t.services.policy.restrictionFor(DE, 'other')).toBeUndefined();
  });
});
