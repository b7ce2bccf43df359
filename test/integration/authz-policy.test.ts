/**
 * The authorizer's policy engine (reference §5.6, §5.7, §6) on the real stack: permissions and restrictions from
 * MariaDB, cached in memory, changed through the admin services and the whitelink, GeoIP from a MaxMind database
 * the test writes, admin activities written in the background, and an invalidation seen by a second process.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import request from 'supertest';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { createUser } from '../support/factories.js';
import { until } from '../support/wait.js';
import { TEST_IPS } from '../support/mmdb-writer.js';
import { clearRestrictions, startGeoTestApp, type GeoTestApp } from '../support/geo-app.js';
import type { RestrictionInput } from '../../src/domain/authz/restrictions-admin.js';
import { restrictedKindOf } from '../../src/domain/authz/restrictions.js';
import { canonicalUpstreamPath } from '../../src/domain/authz/upstream-path.js';

const { JP, DE, BR, FR6, UNKNOWN, UNKNOWN6 } = TEST_IPS;
const PATH = 'api/v2/peatio/market/orders';
const LOGIN_PATH = 'api/v2/barong/identity/sessions';

let t: GeoTestApp;

beforeAll(async () => {
  t = await startGeoTestApp();
});
afterAll(async () => {
  await t?.close();
});
beforeEach(() => clearRestrictions(t));

const restrict = (input: RestrictionInput) => t.services.restrictionsAdmin.create(input);
const verdict = (ip: string, path = PATH) =>
  t.services.policy.restrictionFor(ip, restrictedKindOf(canonicalUpstreamPath(path)!));
const denial = (status: number, category: string) => ({ status, key: `authz.restrict.${category}` });

describe('restrictions: every category by every scope', () => {
  it('nothing is restricted without rows', () => {
    expect(verdict(JP)).toBeUndefined();
    expect(verdict(FR6, LOGIN_PATH)).toBeUndefined();
  });

  describe.each(['maintenance', 'blacklist'] as const)('%s', (category) => {
    const code = (scopeDefault: number) => (category === 'maintenance' ? 471 : scopeDefault);

    it('ip: exact address, IPv4 (also IPv4-mapped) and IPv6 (stored canonically)', async () => {
      await restrict({ category, scope: 'ip', value: JP });
      await restrict({ category, scope: 'ip', value: '2001:DB8:FA:0::5' });
      expect(verdict(JP)).toEqual(denial(code(401), category));
      expect(verdict(`::ffff:${JP}`)).toEqual(denial(code(401), category));
      expect(verdict(FR6)).toEqual(denial(code(401), category));
      expect(verdict('203.0.113.6')).toBeUndefined();
      expect(verdict('2001:db8:fa::6')).toBeUndefined();
    });

    it('ip_subnet: CIDR, IPv4 and IPv6', async () => {
      await restrict({ category, scope: 'ip_subnet', value: '203.0.113.0/25' });
      await restrict({ category, scope: 'ip_subnet', value: '2001:db8:fa::/48' });
      expect(verdict(JP)).toEqual(denial(code(403), category));
      expect(verdict('203.0.113.127')).toEqual(denial(code(403), category));
      expect(verdict('203.0.113.128')).toBeUndefined();
      expect(verdict('2001:db8:fa:ffff::1')).toEqual(denial(code(403), category));
      expect(verdict('2001:db8:fb::1')).toBeUndefined();
    });

    it('country: the GeoIP English name or the ISO code, any case', async () => {
      await restrict({ category, scope: 'country', value: 'Japan' });
      await restrict({ category, scope: 'country', value: 'fr' });
      expect(verdict(JP)).toEqual(denial(code(423), category));
      expect(verdict(FR6)).toEqual(denial(code(423), category));
      expect(verdict(DE)).toBeUndefined();
      expect(verdict(UNKNOWN)).toBeUndefined();
    });

    it('continent: the GeoIP English name or the code, any case', async () => {
      await restrict({ category, scope: 'continent', value: 'EUROPE' });
      await restrict({ category, scope: 'continent', value: 'sa' });
      expect(verdict(DE)).toEqual(denial(code(423), category));
      expect(verdict(FR6)).toEqual(denial(code(423), category));
      expect(verdict(BR)).toEqual(denial(code(423), category));
      expect(verdict(JP)).toBeUndefined();
      expect(verdict(UNKNOWN6)).toBeUndefined();
    });

    it('all: every client, known to GeoIP or not, even without a parseable address', async () => {
      await restrict({ category, scope: 'all', value: 'all' });
      for (const ip of [JP, UNKNOWN, FR6, UNKNOWN6, '']) expect(verdict(ip)).toEqual(denial(code(401), category));
    });

    it('a custom code replaces the default', async () => {
      await restrict({ category, scope: 'country', value: 'JP', code: 451 });
      await restrict({ category, scope: 'ip', value: DE, code: 418 });
      expect(verdict(JP)).toEqual(denial(451, category));
      expect(verdict(DE)).toEqual(denial(418, category));
    });
  });

  it('the whitelink path is never restricted (so an operator link works during maintenance)', async () => {
    await restrict({ category: 'maintenance', scope: 'all', value: 'all' });
    expect(verdict(JP, 'api/v2/barong/identity/users/access')).toBeUndefined();
    expect(verdict(JP, 'api/v2/barong/identity/users/access/x')).toEqual(denial(471, 'maintenance'));
  });
});

describe('restrictions: order and precedence', () => {
  it('a whitelist match wins over maintenance and blacklist, by any scope', async () => {
    await restrict({ category: 'maintenance', scope: 'all', value: 'all' });
    await restrict({ category: 'blacklist', scope: 'continent', value: 'Europe' });
    await restrict({ category: 'whitelist', scope: 'ip', value: JP });
    await restrict({ category: 'whitelist', scope: 'country', value: 'Germany' });
    await restrict({ category: 'whitelist', scope: 'ip_subnet', value: '2001:db8:fa::/48' });
    expect(verdict(JP)).toBeUndefined();
    expect(verdict(DE)).toBeUndefined();
    expect(verdict(FR6)).toBeUndefined();
    expect(verdict(BR)).toEqual(denial(471, 'maintenance'));
  });

  it('maintenance is checked before blacklist, blacklist before blocklogin', async () => {
    await restrict({ category: 'blocklogin', scope: 'all', value: 'all', code: 409 });
    await restrict({ category: 'blacklist', scope: 'country', value: 'Japan' });
    expect(verdict(JP, LOGIN_PATH)).toEqual(denial(423, 'blacklist'));
    expect(verdict(DE, LOGIN_PATH)).toEqual(denial(409, 'blocklogin'));
    await restrict({ category: 'maintenance', scope: 'ip', value: JP });
    expect(verdict(JP, LOGIN_PATH)).toEqual(denial(471, 'maintenance'));
  });

  it('inside a category: all, then ip, then ip_subnet, then continent, then country', async () => {
    await restrict({ category: 'blacklist', scope: 'country', value: 'Japan', code: 455 });
    await restrict({ category: 'blacklist', scope: 'continent', value: 'Asia', code: 454 });
    expect(verdict(JP)?.status).toBe(454);
    await restrict({ category: 'blacklist', scope: 'ip_subnet', value: '203.0.113.0/24', code: 453 });
    expect(verdict(JP)?.status).toBe(453);
    await restrict({ category: 'blacklist', scope: 'ip', value: JP, code: 452 });
    expect(verdict(JP)?.status).toBe(452);
    await restrict({ category: 'blacklist', scope: 'all', value: 'all', code: 451 });
    expect(verdict(JP)?.status).toBe(451);
  });

  it('disabled rows are ignored; enabling and disabling takes effect at once', async () => {
    const row = await restrict({ category: 'blacklist', scope: 'ip', value: JP, state: 'disabled' });
    expect(verdict(JP)).toBeUndefined();
    await t.services.restrictionsAdmin.update(row.id, { state: 'enabled' });
    expect(verdict(JP)).toEqual(denial(401, 'blacklist'));
    await t.services.restrictionsAdmin.update(row.id, { state: 'disabled' });
    expect(verdict(JP)).toBeUndefined();
    await t.services.restrictionsAdmin.update(row.id, {
      state: 'enabled',
      scope: 'ip_subnet',
      value: '198.51.100.0/24',
    });
    expect(verdict(JP)).toBeUndefined();
    expect(verdict(DE)).toEqual(denial(403, 'blacklist'));
    await t.services.restrictionsAdmin.delete(row.id);
    expect(verdict(DE)).toBeUndefined();
  });

  it('a whitelist row alone restricts nobody', async () => {
    await restrict({ category: 'whitelist', scope: 'ip', value: JP });
    expect(verdict(DE)).toBeUndefined();
  });
});

describe('restrictions: blocklogin', () => {
  const sessionKeys = () => t.services.redis.keys(`${t.config.redisPrefix}{gateway}:session:*`);

  it('denies only the login paths (with or without a trailing slash; the Auth0 login too), not other paths', async () => {
    await restrict({ category: 'blocklogin', scope: 'country', value: 'Japan' });
    expect(verdict(JP, LOGIN_PATH)).toEqual(denial(423, 'blocklogin'));
    expect(verdict(JP, `${LOGIN_PATH}/`)).toEqual(denial(423, 'blocklogin'));
    expect(verdict(JP, `${LOGIN_PATH}/auth0`)).toEqual(denial(423, 'blocklogin'));
    expect(verdict(JP, `${LOGIN_PATH}/auth0/x`)).toBeUndefined();
    expect(verdict(JP, PATH)).toBeUndefined();
    expect(verdict(DE, LOGIN_PATH)).toBeUndefined();
  });

  it('coming into force ends every session of every user; a disabled one does not', async () => {
    const [a, b] = [await createUser(t), await createUser(t)];
    const sessions = [
      await t.services.sessions.create(a.uid, JP, 'ua'),
      await t.services.sessions.create(a.uid, DE, 'ua'),
      await t.services.sessions.create(b.uid, JP, 'ua'),
    ];
    const row = await restrict({ category: 'blocklogin', scope: 'ip', value: BR, state: 'disabled' });
    for (const s of sessions) expect(await t.services.sessions.get(s.id)).toBeDefined();

    await t.services.restrictionsAdmin.update(row.id, { state: 'enabled' });
    for (const s of sessions) expect(await t.services.sessions.get(s.id)).toBeUndefined();
    expect(await sessionKeys()).toEqual([]);
    expect(await t.services.redis.keys(`${t.config.redisPrefix}{gateway}:user_sessions:*`)).toEqual([]);

    const later = await t.services.sessions.create(b.uid, DE, 'ua');
    await restrict({ category: 'blocklogin', scope: 'all', value: 'all' });
    expect(await t.services.sessions.get(later.id)).toBeUndefined();
  });

  it("does not touch other deployments' sessions sharing the Redis", async () => {
    const foreign = 'another-deployment:{gateway}:session:abc';
    await t.services.redis.set(foreign, '{}', 'EX', 60);
    try {
      expect(await t.services.sessions.destroyAll()).toBe(0);
      expect(await t.services.redis.get(foreign)).toBe('{}');
    } finally {
      await t.services.redis.del(foreign);
    }
  });
});

describe('restrictions: changes through the services', () => {
  it('validates like Barong’s model (422, every problem) and stores values canonically', async () => {
    const admin = t.services.restrictionsAdmin;
    const keysOf = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: { status: number; keys: string[] }) => [e.status, e.keys],
      );
    expect(await keysOf(admin.create({ category: 'greylist', scope: 'planet', value: '', state: 'on' }))).toEqual([
      422,
      ['category.inclusion', 'scope.inclusion', 'state.inclusion', 'value.blank'],
    ]);
    expect(await keysOf(admin.create({ category: 'blacklist', scope: 'ip', value: '300.1.2.3' }))).toEqual([
      422,
      ['value.invalid'],
    ]);
    expect(await keysOf(admin.create({ category: 'blacklist', scope: 'ip_subnet', value: '10.0.0.0/33' }))).toEqual([
      422,
      ['value.invalid'],
    ]);
    expect(await keysOf(admin.create({ category: 'blacklist', scope: 'country', value: 'x'.repeat(65) }))).toEqual([
      422,
      ['value.too_long'],
    ]);
    expect(await keysOf(admin.create({ category: 'blacklist', scope: 'ip', value: JP, code: 99 }))).toEqual([
      422,
      ['code.invalid'],
    ]);

    const row = await admin.create({ category: 'blacklist', scope: 'ip_subnet', value: ' 2001:DB8:FA::/48 ' });
    expect(row).toMatchObject({
      category: 'blacklist',
      scope: 'ip_subnet',
      value: '2001:db8:fa::/48',
      code: null,
      state: 'enabled',
    });
    expect(
      await keysOf(admin.create({ category: 'blacklist', scope: 'ip_subnet', value: '2001:db8:fa::/48' })),
    ).toEqual([422, ['value.taken']]);
    await admin.create({ category: 'blacklist', scope: 'country', value: 'Japan' });
    expect(await keysOf(admin.create({ category: 'blacklist', scope: 'country', value: 'JAPAN' }))).toEqual([
      422,
      ['value.taken'],
    ]);
    expect(await keysOf(admin.update(row.id + 1000, { state: 'disabled' }))).toEqual([
      404,
      ['admin.restriction.doesnt_exist'],
    ]);
    expect(await keysOf(admin.delete(row.id + 1000))).toEqual([404, ['admin.restriction.doesnt_exist']]);
  });

  it('a redeemed whitelink is in force at once (the cache is invalidated)', async () => {
    await restrict({ category: 'maintenance', scope: 'all', value: 'all' });
    expect(verdict('198.51.100.50')).toEqual(denial(471, 'maintenance'));
    const token = await t.services.whitelink.issue(60);
    await request(t.app)
      .post('/api/v2/barong/identity/users/access')
      .set('X-Forwarded-For', '198.51.100.50')
      .type('form')
      .send({ whitelink_token: token })
      .expect(200);
    expect(verdict('198.51.100.50')).toBeUndefined();
    expect(verdict('198.51.100.51')).toEqual(denial(471, 'maintenance'));
  });

  it('is never re-read per request: a row written behind the services’ back is seen only after a reload', async () => {
    await t.db.knex('restrictions').insert({ category: 'blacklist', scope: 'ip', value: JP, state: 'enabled' });
    expect(verdict(JP)).toBeUndefined();
    await t.services.policy.reload(['restrictions']);
    expect(verdict(JP)).toEqual(denial(401, 'blacklist'));
  });
});

describe('permissions', () => {
  const decide = (role: string, method: string, path: string) => t.services.policy.permissionFor(role, method, path);

  it("Barong's seeded defaults: members, admins (DROP beats ACCEPT), superadmins (AUDIT on writes)", () => {
    expect(decide('member', 'GET', 'api/v2/peatio/account/balances')).toEqual({ allowed: true });
    expect(decide('member', 'POST', 'api/v2/barong/resource/api_keys')).toEqual({ allowed: true });
    expect(decide('member', 'POST', 'api/v2/ranger/private')).toEqual({
      allowed: false,
      audit: { topic: 'general', result: 'denied' },
    });
    expect(decide('member', 'GET', 'api/v2/barong/admin/users')).toEqual({
      allowed: false,
      audit: { topic: 'users', result: 'denied' },
    });
    expect(decide('admin', 'GET', 'api/v2/barong/admin/users')).toEqual({ allowed: true });
    expect(decide('admin', 'GET', 'api/v2/barong/admin/permissions')).toEqual({
      allowed: false,
      audit: { topic: 'permissions', result: 'denied' },
    });
    expect(decide('admin', 'POST', 'api/v2/barong/admin/users/labels')).toEqual({
      allowed: true,
      audit: { topic: 'users', result: 'succeed' },
    });
    expect(decide('superadmin', 'DELETE', 'api/v2/peatio/account/orders')).toEqual({
      allowed: true,
      audit: { topic: 'general', result: 'succeed' },
    });
    expect(decide('nobody', 'GET', 'api/v2/peatio/account/balances').allowed).toBe(false);
    expect(t.services.policy.hasRole('sa_maker')).toBe(true);
    expect(t.services.policy.hasRole('nobody')).toBe(false);
  });

  it('changes through PermissionsAdmin are in force at once; topics of AUDIT rows are used', async () => {
    const admin = t.services.permissionsAdmin;
    const accept = await admin.create({ role: 'member', verb: 'all', path: '/api/v2/kyc-vendor', action: 'accept' });
    expect(accept).toMatchObject({
      role: 'member',
      verb: 'ALL',
      path: 'api/v2/kyc-vendor',
      action: 'ACCEPT',
      topic: null,
    });
    expect(decide('member', 'PUT', 'api/v2/kyc-vendor/cases/1')).toEqual({ allowed: true });
    const audit = await admin.create({
      role: 'member',
      verb: 'PUT',
      path: 'api/v2/kyc-vendor/cases',
      action: 'AUDIT',
      topic: 'kyc',
    });
    expect(decide('member', 'PUT', 'api/v2/kyc-vendor/cases/1')).toEqual({
      allowed: true,
      audit: { topic: 'kyc', result: 'succeed' },
    });
    const drop = await admin.create({ role: 'member', verb: 'PUT', path: 'api/v2/kyc-vendor/cases/1', action: 'DROP' });
    expect(decide('member', 'PUT', 'api/v2/kyc-vendor/cases/1').allowed).toBe(false);
    expect(decide('member', 'PUT', 'api/v2/kyc-vendor/cases/2').allowed).toBe(true);
    await admin.update(drop.id, { verb: 'GET' });
    expect(decide('member', 'PUT', 'api/v2/kyc-vendor/cases/1').allowed).toBe(true);
    for (const p of [drop, audit, accept]) await admin.delete(p.id);
    expect(decide('member', 'PUT', 'api/v2/kyc-vendor/cases/1').allowed).toBe(false);
  });

  it("validates like Barong's admin API", async () => {
    const admin = t.services.permissionsAdmin;
    const keysOf = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: { status: number; keys: string[] }) => [e.status, e.keys],
      );
    const base = { role: 'member', verb: 'GET', path: 'api/v2/x', action: 'ACCEPT' };
    expect(await keysOf(admin.create({ ...base, role: 'pirate' }))).toEqual([
      422,
      ['admin.permission.role_doesnt_exist'],
    ]);
    expect(await keysOf(admin.create({ ...base, verb: 'OPTIONS' }))).toEqual([422, ['admin.permissions.invalid_verb']]);
    expect(await keysOf(admin.create({ ...base, action: 'ALLOW' }))).toEqual([
      422,
      ['admin.permissions.invalid_action'],
    ]);
    expect(await keysOf(admin.create({ ...base, path: ' / ' }))).toEqual([422, ['path.blank']]);
    expect(await keysOf(admin.update(999_999, { verb: 'GET' }))).toEqual([404, ['admin.permission.doesnt_exist']]);
    expect(await keysOf(admin.delete(999_999))).toEqual([404, ['admin.permission.doesnt_exist']]);
  });
});

describe('admin activities (reference §5.7)', () => {
  const adminRows = (userId: number) =>
    t.db.knex('activities').where({ user_id: userId, category: 'admin' }).orderBy('id');

  it('an audited request: topic, action, target uid, GeoIP country, params as JSON with secrets masked', async () => {
    const [operator, target] = [await createUser(t, { role: 'admin' }), await createUser(t)];
    const path = 'api/v2/barong/admin/users/labels';
    const decision = t.services.policy.permissionFor('admin', 'POST', path);
    expect(decision.audit).toEqual({ topic: 'users', result: 'succeed' });
    t.services.adminActivities.record({
      userId: operator.id,
      ip: JP,
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0',
      method: 'POST',
      path,
      params: { uid: target.uid, key: 'kyc', value: 'verified', password: 'hunter2', nested: { otp_code: '123456' } },
      audit: decision.audit!,
    });
    await t.services.adminActivities.flush();
    const [row] = await adminRows(operator.id);
    expect(row).toMatchObject({
      category: 'admin',
      target_uid: target.uid,
      user_ip: JP,
      user_ip_country: 'Japan',
      user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0',
      topic: 'users',
      action: 'create',
      result: 'succeed',
    });
    expect(JSON.parse(row.data)).toEqual({
      uid: target.uid,
      key: 'kyc',
      value: 'verified',
      password: '[filtered]',
      nested: { otp_code: '[filtered]' },
    });
  });

  it('a denial: result denied, action from the verb, an unknown uid leaves target_uid empty', async () => {
    const member = await createUser(t);
    const decision = t.services.policy.permissionFor('member', 'DELETE', 'api/v2/barong/admin/restrictions');
    expect(decision).toEqual({ allowed: false, audit: { topic: 'restrictions', result: 'denied' } });
    t.services.adminActivities.record({
      userId: member.id,
      ip: FR6,
      userAgent: 'curl/8.0',
      method: 'DELETE',
      path: 'api/v2/barong/admin/restrictions',
      params: { id: 4, uid: 'IDNOBODY00' },
      audit: decision.audit!,
    });
    t.services.adminActivities.record({
      userId: member.id,
      ip: '',
      userAgent: 'x',
      method: 'GET',
      path: 'a',
      audit: decision.audit!,
    });
    await t.services.adminActivities.flush();
    const rows = await adminRows(member.id);
    expect(rows).toHaveLength(1); // without an IP (or user agent) nothing is saved, as in Barong
    expect(rows[0]).toMatchObject({
      target_uid: '',
      user_ip_country: 'France',
      topic: 'restrictions',
      action: 'delete',
      result: 'denied',
      data: '{"id":4,"uid":"IDNOBODY00"}',
    });
  });

  it('user activities get the GeoIP country of the client too', async () => {
    const user = await createUser(t);
    await request(t.app)
      .post('/api/v2/barong/identity/sessions')
      .set('X-Forwarded-For', DE)
      .set('User-Agent', 'vitest-browser/1.0')
      .send({ email: user.email, password: user.password })
      .expect(201);
    const [row] = await t.db.knex('activities').where({ user_id: user.id, topic: 'session' });
    expect(row).toMatchObject({ user_ip: DE, user_ip_country: 'Germany', action: 'login', result: 'succeed' });
  });
});

/** A second API process (test/support/authz-policy-probe.ts) over stdin/stdout, one JSON answer per line. */
class Probe {
  private readonly lines: string[] = [];
  private readonly waiting: { resolve: (line: string) => void; reject: (err: Error) => void }[] = [];
  private stderr = '';
  private exited?: Error;

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const w = this.waiting.shift();
      if (w) w.resolve(line);
      else this.lines.push(line);
    });
    child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    child.on('exit', (code) => {
      this.exited = new Error(`probe exited with ${code}: ${this.stderr}`);
      for (const w of this.waiting.splice(0)) w.reject(this.exited);
    });
  }

  static start(env: Record<string, string>): Probe {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/authz-policy-probe.ts'], {
      cwd: process.cwd(),
      env: { ...process.env, ...env },
    });
    return new Probe(child);
  }

  nextLine(): Promise<string> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  async ask(command: string): Promise<unknown> {
    this.child.stdin.write(`${command}\n`);
    return JSON.parse(await this.nextLine());
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin.write('quit\n');
    await Promise.race([gone, sleep(5_000).then(() => this.child.kill())]);
  }
}

describe('cache invalidation across processes', () => {
  it(
    'a second process sees restriction, permission and whitelink changes made in this one',
    { timeout: 60_000 },
    async () => {
      const probe = Probe.start({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_NAME: t.db.name,
        BARONG_REDIS_PREFIX: t.config.redisPrefix,
        BARONG_MAXMINDDB_PATH: t.geoPath,
        BARONG_AUTHZ_CACHE_REFRESH: '0', // no timer: only the invalidation can bring the change
      });
      try {
        expect(await probe.nextLine()).toBe('ready');
        expect(await probe.ask(`restriction ${DE} ${PATH}`)).toBeNull();

        const row = await restrict({ category: 'blacklist', scope: 'country', value: 'Germany' });
        await until(
          () => probe.ask(`restriction ${DE} ${PATH}`),
          (v) => v !== null,
        );
        expect(await probe.ask(`restriction ${DE} ${PATH}`)).toEqual(denial(423, 'blacklist'));
        expect(await probe.ask(`restriction ${JP} ${PATH}`)).toBeNull();

        await t.services.restrictionsAdmin.update(row.id, { state: 'disabled' });
        await until(
          () => probe.ask(`restriction ${DE} ${PATH}`),
          (v) => v === null,
        );

        const path = 'api/v2/peatio/account/withdraws';
        expect(await probe.ask(`permission member POST ${path}`)).toEqual({ allowed: true });
        const drop = await t.services.permissionsAdmin.create({ role: 'member', verb: 'POST', path, action: 'DROP' });
        await until(
          () => probe.ask(`permission member POST ${path}`),
          (v) => (v as { allowed: boolean }).allowed === false,
        );
        await t.services.permissionsAdmin.delete(drop.id);
        await until(
          () => probe.ask(`permission member POST ${path}`),
          (v) => (v as { allowed: boolean }).allowed,
        );

        await restrict({ category: 'maintenance', scope: 'all', value: 'all' });
        await until(
          () => probe.ask(`restriction ${BR} ${PATH}`),
          (v) => v !== null,
        );
        const token = await t.services.whitelink.issue(60);
        await request(t.app)
          .post('/api/v2/barong/identity/users/access')
          .set('X-Forwarded-For', BR)
          .type('form')
          .send({ whitelink_token: token })
          .expect(200);
        await until(
          () => probe.ask(`restriction ${BR} ${PATH}`),
          (v) => v === null,
        );
        expect(await probe.ask(`restriction ${JP} ${PATH}`)).toEqual(denial(471, 'maintenance'));
      } finally {
        await probe.stop();
      }
    },
  );
});
