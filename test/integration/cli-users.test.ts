/**
 * The operators' CLI, `users` commands, against a real database: the first superadmin on a fresh database logs in
 * and uses the admin API; role and state changes have the admin API's side effects; every write is an admin
 * activity naming the OS user and the command; bad input exits non-zero with a message; no password is echoed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { BROWSER, login } from '../support/account-client.js';
import { ADMIN } from '../support/admin-client.js';
import { activeUser, createApiKey, STRONG_PASSWORD, uniqueEmail } from '../support/factories.js';
import { cli, cliActivities, npmRun, TEST_OPERATOR } from '../support/cli.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

const withPassword = { env: { BARONG_ADMIN_PASSWORD: STRONG_PASSWORD } };
const userRow = (uid: string) => t.db.knex('users').where({ uid }).first();

describe('npm run cli -- users create-superadmin', () => {
  it('on a fresh database makes an active superadmin who logs in and uses the admin API', async () => {
    expect(await t.db.knex('users').count({ n: '*' })).toEqual([{ n: 0 }]);
    const email = uniqueEmail('root');
    const run = await npmRun(t, 'cli', ['users', 'create-superadmin', '--email', email], {
      BARONG_ADMIN_PASSWORD: STRONG_PASSWORD,
    });
    expect(run).toMatchObject({ code: 0, stdout: expect.stringMatching(/^ID[0-9A-F]{10}\n$/) });
    expect(`${run.stdout}${run.stderr}`).not.toContain(STRONG_PASSWORD);
    const uid = run.stdout.trim();
    expect(await userRow(uid)).toMatchObject({ email, role: 'superadmin', state: 'active', level: 1 });
    expect(await t.db.knex('labels').where({ key: 'email' }).select('value', 'scope')).toEqual([
      { value: 'verified', scope: 'private' },
    ]);

    const session = await login(t, { email, password: STRONG_PASSWORD });
    const res = await request(t.app)
      .get(`${ADMIN}/levels`)
      .set('Cookie', session.cookie)
      .set('User-Agent', BROWSER)
      .expect(200);
    expect(res.body).toEqual(expect.arrayContaining([expect.objectContaining({ key: 'email', value: 'verified' })]));
  }, 90_000);

  it('records the creation as an admin activity naming the OS user and the command', async () => {
    const email = uniqueEmail('admin');
    const run = await cli(t, ['users', 'create-superadmin', '--email', email], withPassword);
    expect(run.code).toBe(0);
    const [activity] = (await cliActivities(t)).filter((a) => a.target_uid === run.stdout.trim());
    expect(activity).toMatchObject({
      category: 'admin',
      user_id: null,
      user_agent: `barong-cli (${TEST_OPERATOR}): users create-superadmin`,
      topic: 'users',
      action: 'create',
      result: 'succeed',
      data: { operator: TEST_OPERATOR, command: 'users create-superadmin', email, role: 'superadmin' },
    });
  });

  it('refuses an e-mail that belongs to a user, changing nothing', async () => {
    const user = await activeUser(t);
    const before = await t.db.knex('activities').count({ n: '*' });
    const run = await cli(t, ['users', 'create-superadmin', '--email', user.email], withPassword);
    expect(run).toMatchObject({ code: 1, stdout: '', stderr: `error: a user with the e-mail ${user.email} exists\n` });
    expect(await t.db.knex('activities').count({ n: '*' })).toEqual(before);
    expect((await userRow(user.uid)).role).toBe('member');
  });

  it('refuses an invalid e-mail or a weak password with their errors', async () => {
    expect(await cli(t, ['users', 'create-superadmin', '--email', 'not-an-email'], withPassword)).toMatchObject({
      code: 1,
      stderr: 'error: refused: email.invalid\n',
    });
    const weak = await cli(t, ['users', 'create-superadmin', '--email', uniqueEmail()], {
      env: { BARONG_ADMIN_PASSWORD: 'password' },
    });
    expect(weak).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error: refused: password\./) });
    expect(weak.stderr).not.toContain("'password'");
  });

  it('without BARONG_ADMIN_PASSWORD and no terminal to ask on, says how to give the password', async () => {
    const run = await cli(t, ['users', 'create-superadmin', '--email', uniqueEmail()]);
    expect(run).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('set BARONG_ADMIN_PASSWORD, or run the command on a terminal'),
    });
  });

  it('a missing --email is a usage error (exit 2) with the usage line', async () => {
    const run = await cli(t, ['users', 'create-superadmin']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("required option '--email <email>' not specified");
    expect(run.stderr).toContain('usage: npm run cli -- users create-superadmin [options]');
  });
});

describe('npm run cli -- users set-role', () => {
  it("changes the role when a permission names it, recorded with the user's uid", async () => {
    const user = await activeUser(t);
    const run = await cli(t, ['users', 'set-role', '--uid', user.uid, '--role', 'admin']);
    expect(run).toMatchObject({ code: 0, stdout: 'admin\n' });
    expect((await userRow(user.uid)).role).toBe('admin');
    expect((await cliActivities(t)).at(-1)).toMatchObject({
      target_uid: user.uid,
      topic: 'users',
      action: 'update',
      data: { operator: TEST_OPERATOR, command: 'users set-role', role: 'admin' },
    });
  });

  it('refuses a role no permission names, and an unknown uid; the same role changes and records nothing', async () => {
    const user = await activeUser(t);
    const before = (await cliActivities(t)).length;
    expect(await cli(t, ['users', 'set-role', '--uid', user.uid, '--role', 'emperor'])).toMatchObject({
      code: 1,
      stderr: 'error: no permission names the role emperor\n',
    });
    expect(await cli(t, ['users', 'set-role', '--uid', 'IDNOBODY0000', '--role', 'admin'])).toMatchObject({
      code: 1,
      stderr: 'error: no user with uid IDNOBODY0000\n',
    });
    const same = await cli(t, ['users', 'set-role', '--uid', user.uid, '--role', 'member']);
    expect(same).toMatchObject({ code: 0, stdout: 'member\n', stderr: expect.stringContaining('nothing changed') });
    expect(await cliActivities(t)).toHaveLength(before);
  });
});

describe('npm run cli -- users set-state', () => {
  it('a ban ends the sessions, deactivates the API keys, moves the service accounts, and holds over labels', async () => {
    const user = await activeUser(t);
    const session = await login(t, user);
    await createApiKey(t, { type: 'User', id: user.id });
    const account = await cli(t, ['service-accounts', 'create', '--owner', user.uid]);
    const run = await cli(t, ['users', 'set-state', '--uid', user.uid, '--state', 'banned']);
    expect(run).toMatchObject({ code: 0, stdout: 'banned\n' });

    expect(await userRow(user.uid)).toMatchObject({ state: 'banned', admin_state: 'banned' });
    expect(await t.db.knex('api_keys').where({ key_holder_account_id: user.id }).select('state')).toEqual([
      { state: 'inactive' },
    ]);
    expect(await t.db.knex('service_accounts').where({ uid: account.stdout.trim() }).first()).toMatchObject({
      state: 'banned',
    });
    const me = await request(t.app)
      .get('/api/v2/barong/resource/users/me')
      .set('Cookie', session.cookie)
      .set('User-Agent', BROWSER);
    expect(me.status).toBe(401);
    // A label change recomputes the state; the operator's ban stays.
    await t.services.uow.run((w) => t.services.privateLabels.set(w, user, 'phone', 'verified', { by: 'admin' }));
    expect((await userRow(user.uid)).state).toBe('banned');
    expect((await cliActivities(t)).at(-1)).toMatchObject({
      target_uid: user.uid,
      data: { command: 'users set-state', state: 'banned' },
    });
  });

  it('active again lifts the hold; a malformed state is refused', async () => {
    const user = await activeUser(t);
    await cli(t, ['users', 'set-state', '--uid', user.uid, '--state', 'locked']);
    expect(await cli(t, ['users', 'set-state', '--uid', user.uid, '--state', 'active'])).toMatchObject({
      code: 0,
      stdout: 'active\n',
    });
    expect(await userRow(user.uid)).toMatchObject({ state: 'active', admin_state: null });
    expect(await cli(t, ['users', 'set-state', '--uid', user.uid, '--state', 'Banned!'])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('invalid state "Banned!"'),
    });
  });
});
