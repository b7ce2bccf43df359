/** /resource/users: the account, data, self-deletion, password change and activity history (reference §4.1). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { generateSecret } from 'otplib';
import { startTestApp, type TestApp } from '../support/app.js';
import { startMailHarness, type MailHarness } from '../support/mail.js';
import { createUser, totpCode, uniqueEmail } from '../support/factories.js';
import { BROWSER, bearer, login, recordEvents, withSession, withToken } from '../support/account-client.js';
import { temporaryGeoDatabase } from '../support/mmdb-writer.js';
import type { DomainEvent } from '../../src/domain/events/domain-events.js';

let t: TestApp;
let mail: MailHarness;
let events: DomainEvent[];

beforeAll(async () => {
  t = await startTestApp({ BARONG_LOGIN_MAX_ATTEMPTS: '1000', BARONG_LOGIN_MAX_ATTEMPTS_PER_IP: '1000' });
  mail = await startMailHarness(t);
  events = recordEvents(t);
});
afterAll(async () => {
  await mail?.stop();
  await t?.close();
});

const eventsFor = (name: string, uid: string) =>
  events.filter((e) => e.name === name && JSON.stringify(e.payload).includes(uid));

async function passwordActivities(userId: number) {
  return t.db.knex('activities').where({ user_id: userId, topic: 'password', action: 'password change' }).orderBy('id');
}

describe('GET /users/me', () => {
  it('answers the full account without a CSRF token', async () => {
    const user = await createUser(t, { data: '{"language":"ru"}', privateLabels: { email: 'verified' } });
    const res = await withToken(t, 'get', '/users/me', await bearer(t, user)).expect(200);
    expect(res.body).toEqual({
      email: user.email,
      uid: user.uid,
      role: 'member',
      level: 1,
      otp: false,
      state: 'active',
      referral_uid: null,
      data: '{"language":"ru"}',
      username: null,
      labels: [expect.objectContaining({ key: 'email', value: 'verified', scope: 'private' })],
      phones: [],
      profiles: [],
      data_storages: [],
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      updated_at: expect.stringMatching(/Z$/),
    });
  });

  it('shows the caller, never another user', async () => {
    const [a, b] = [await createUser(t), await createUser(t)];
    const res = await withSession(t, 'get', '/users/me', await login(t, b)).expect(200);
    expect(res.body.uid).toBe(b.uid);
    expect(JSON.stringify(res.body)).not.toContain(a.uid);
  });
});

describe('PUT /users/me', () => {
  it('replaces data (no merge), announces model.user.updated, answers the account', async () => {
    const user = await createUser(t, { data: '{"language":"ru","theme":"dark"}' });
    const s = await login(t, user);
    const res = await withSession(t, 'put', '/users/me', s).send({ data: '{"language":"en"}' }).expect(200);
    expect(res.body).toMatchObject({ uid: user.uid, data: '{"language":"en"}' });
    expect(res.body).not.toHaveProperty('csrf_token');
    expect((await t.services.uow.repos.users.findById(user.id))!.data).toBe('{"language":"en"}');
    const [event] = eventsFor('model.user.updated', user.uid);
    expect(event!.payload).toMatchObject({
      record: { uid: user.uid },
      changes: { data: '{"language":"ru","theme":"dark"}' },
    });
  });

  it('takes a form body too', async () => {
    const user = await createUser(t);
    await withToken(t, 'put', '/users/me', await bearer(t, user))
      .type('form')
      .send({ data: '[1,2]' })
      .expect(200);
    expect((await t.services.uow.repos.users.findById(user.id))!.data).toBe('[1,2]');
  });

  it.each([
    ['not json', '{language: en', ['data.invalid_format']],
    ['too long', JSON.stringify({ v: 'x'.repeat(1020) }), ['data.too_long']],
  ])('422 for data %s, nothing saved', async (_name, data, errors) => {
    const user = await createUser(t, { data: '{"a":1}' });
    await withToken(t, 'put', '/users/me', await bearer(t, user))
      .send({ data })
      .expect(422, { errors });
    expect((await t.services.uow.repos.users.findById(user.id))!.data).toBe('{"a":1}');
  });

  it('422 without data', async () => {
    const user = await createUser(t);
    const res = await withToken(t, 'put', '/users/me', await bearer(t, user))
      .send({})
      .expect(422);
    expect(res.body.errors).toContain('resource.user.missing_data');
  });

  it("changes only the caller's data", async () => {
    const [a, b] = [await createUser(t, { data: '{"who":"a"}' }), await createUser(t, { data: '{"who":"b"}' })];
    await withToken(t, 'put', '/users/me', await bearer(t, a))
      .send({ data: '{"who":"changed"}' })
      .expect(200);
    expect((await t.services.uow.repos.users.findById(b.id))!.data).toBe('{"who":"b"}');
  });
});

describe('DELETE /users/me', () => {
  const del = (s: Awaited<ReturnType<typeof login>>, query: Record<string, string>) =>
    withSession(t, 'delete', `/users/me?${new URLSearchParams(query)}`, s);

  it('blocks the account: label delete: by_user, state deleted, every session ends, system.user.account.deleted, 204', async () => {
    const user = await createUser(t, { privateLabels: { email: 'verified' } });
    const s = await login(t, user);
    const other = await login(t, user, { userAgent: 'other-browser/2.0' });
    await del(s, { password: user.password }).expect(204);

    const after = (await t.services.uow.repos.users.findById(user.id))!;
    expect(after.state).toBe('deleted');
    expect(await t.services.uow.repos.labels.find(user.id, 'delete', 'private')).toMatchObject({ value: 'by_user' });
    expect(await t.services.sessions.get(s.id)).toBeUndefined();
    expect(await t.services.sessions.get(other.id)).toBeUndefined();
    expect(eventsFor('system.user.account.deleted', user.uid)).toHaveLength(1);
    // Neither the old session nor a token nor a new login gets in any more.
    await withSession(t, 'get', '/users/me', s).expect(401);
    await withToken(t, 'get', '/users/me', await bearer(t, user)).expect(401, { errors: ['authz.user_not_active'] });
    await request(t.app)
      .post('/api/v2/barong/identity/sessions')
      .set('User-Agent', BROWSER)
      .send({ email: user.email, password: user.password })
      .expect(401, { errors: ['identity.session.deleted'] });
  });

  it('works with a Bearer token too', async () => {
    const user = await createUser(t);
    const query = new URLSearchParams({ password: user.password });
    const res = await withToken(t, 'delete', `/users/me?${query}`, await bearer(t, user));
    expect([res.status, res.body]).toEqual([204, {}]);
    expect((await t.services.uow.repos.users.findById(user.id))!.state).toBe('deleted');
  });

  it('422 resource.user.invalid_password for a wrong password; nothing changes', async () => {
    const user = await createUser(t);
    const s = await login(t, user);
    await del(s, { password: 'Wrong-Password-1' }).expect(422, { errors: ['resource.user.invalid_password'] });
    expect((await t.services.uow.repos.users.findById(user.id))!.state).toBe('active');
    await withSession(t, 'get', '/users/me', s).expect(200);
  });

  it('422 without the password', async () => {
    const user = await createUser(t);
    await del(await login(t, user), {}).expect(422, { errors: ['resource.user.missing_password'] });
  });

  it('with 2FA: the code is required, checked and single use', async () => {
    const secret = generateSecret();
    const user = await createUser(t, { otpSecret: secret });
    const token = await bearer(t, user);
    const call = (query: Record<string, string>) =>
      withToken(t, 'delete', `/users/me?${new URLSearchParams(query)}`, token);
    await call({ password: user.password }).expect(422, { errors: ['resource.user.missing_otp_code'] });
    await call({
      password: user.password,
      otp_code: '000000' === (await totpCode(secret)) ? '111111' : '000000',
    }).expect(422, {
      errors: ['resource.user.invalid_otp'],
    });
    // The password is checked first: a good code with a wrong password is not spent.
    const code = await totpCode(secret);
    await call({ password: 'Wrong-Password-1', otp_code: code }).expect(422, {
      errors: ['resource.user.invalid_password'],
    });
    expect((await t.services.uow.repos.users.findById(user.id))!.state).toBe('active');
    await call({ password: user.password, otp_code: code }).expect(204);
    expect((await t.services.uow.repos.users.findById(user.id))!.state).toBe('deleted');
  });

  it('a 2FA code already used is refused', async () => {
    const secret = generateSecret();
    const user = await createUser(t, { otpSecret: secret });
    const code = await totpCode(secret);
    expect(await t.services.totp.acceptUserCode(t.services.uow.repos, user, code)).toBe(true);
    await withToken(
      t,
      'delete',
      `/users/me?${new URLSearchParams({ password: user.password, otp_code: code })}`,
      await bearer(t, user),
    ).expect(422, { errors: ['resource.user.invalid_otp'] });
  });

  it('deletes only the caller: the other user stays active and signed in', async () => {
    const [a, b] = [await createUser(t, { password: 'Aeph4-Ooch!ie3Vo' }), await createUser(t)];
    const sb = await login(t, b);
    await del(await login(t, a), { password: a.password }).expect(204);
    expect((await t.services.uow.repos.users.findById(b.id))!.state).toBe('active');
    await withSession(t, 'get', '/users/me', sb).expect(200);
    // B's password does not delete A's account from B's session: it deletes nothing but B, and only with B's password.
    await del(sb, { password: a.password }).expect(422, { errors: ['resource.user.invalid_password'] });
  });
});

describe('PUT /users/password', () => {
  const NEW = 'Ohs3ie-Vah!Quu9xo';
  const change = (s: Awaited<ReturnType<typeof login>>, body: Record<string, string>) =>
    withSession(t, 'put', '/users/password', s).send(body);

  it('changes the password: 201, activity, password_changed mail, other sessions end, mine survives', async () => {
    const user = await createUser(t, { email: uniqueEmail('pwchange') });
    const mine = await login(t, user);
    const other = await login(t, user, { userAgent: 'other-browser/2.0' });
    await change(mine, { old_password: user.password, new_password: NEW, confirm_password: NEW }).expect(201, {});

    const digest = (await t.services.uow.repos.users.findById(user.id))!.passwordDigest;
    expect(digest).toMatch(/^\$argon2id\$/);
    expect((await t.services.hasher.verify(digest, NEW)).ok).toBe(true);
    expect(await passwordActivities(user.id)).toEqual([
      expect.objectContaining({ result: 'succeed', data: null, user_agent: BROWSER }),
    ]);
    expect(eventsFor('system.user.password.change', user.uid)).toHaveLength(1);
    const message = await mail.mailTo(user.email, /Password Changed/);
    expect(message.subject).toMatch(/Password Changed/);

    await withSession(t, 'get', '/users/me', mine).expect(200);
    expect(await t.services.sessions.get(other.id)).toBeUndefined();
    await login(t, { email: user.email, password: NEW });
    await expect(login(t, user)).rejects.toThrow(/401/);
  });

  it('with a Bearer token every session ends', async () => {
    const user = await createUser(t);
    const s = await login(t, user);
    await withToken(t, 'put', '/users/password', await bearer(t, user))
      .send({ old_password: user.password, new_password: NEW, confirm_password: NEW })
      .expect(201);
    expect(await t.services.sessions.get(s.id)).toBeUndefined();
  });

  it.each([
    [
      'new ≠ confirmation',
      (p: string) => ({ old_password: p, new_password: NEW, confirm_password: `${NEW}x` }),
      422,
      'resource.password.doesnt_match',
    ],
    [
      'old password wrong',
      () => ({ old_password: 'Wrong-Password-1', new_password: NEW, confirm_password: NEW }),
      400,
      'resource.password.prev_pass_not_correct',
    ],
    [
      'new == old',
      (p: string) => ({ old_password: p, new_password: p, confirm_password: p }),
      400,
      'resource.password.no_change_provided',
    ],
    [
      'new too simple',
      (p: string) => ({ old_password: p, new_password: 'short', confirm_password: 'short' }),
      422,
      'password.requirements',
    ],
    [
      'new weak',
      (p: string) => ({ old_password: p, new_password: 'Password1', confirm_password: 'Password1' }),
      422,
      'password.weak',
    ],
  ])('%s → %s %s, a failed activity, nothing changes', async (_name, body, status, key) => {
    const user = await createUser(t);
    const s = await login(t, user);
    const other = await login(t, user, { userAgent: 'other-browser/2.0' });
    await change(s, body(user.password)).expect(status, { errors: [key] });
    const rows = await passwordActivities(user.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ result: 'failed' });
    expect(JSON.parse(rows[0].data).reason).toEqual(expect.any(String));
    expect((await t.services.uow.repos.users.findById(user.id))!.passwordDigest).toBe(user.passwordDigest);
    expect(await t.services.sessions.get(other.id)).toBeDefined();
  });

  it('400 when a field is missing', async () => {
    const user = await createUser(t);
    const res = await change(await login(t, user), { old_password: user.password }).expect(400);
    expect(res.body.errors).toEqual(
      expect.arrayContaining(['resource.user.missing_new_password', 'resource.user.missing_confirm_password']),
    );
  });

  it("changes only the caller's password and ends only the caller's sessions", async () => {
    const [a, b] = [await createUser(t), await createUser(t, { password: 'Aeph4-Ooch!ie3Vo' })];
    const sb = await login(t, b);
    const sa = await login(t, a);
    // The old password is checked against the caller's own: B's password does not work for A.
    await change(sa, { old_password: b.password, new_password: NEW, confirm_password: NEW }).expect(400, {
      errors: ['resource.password.prev_pass_not_correct'],
    });
    await change(sa, { old_password: a.password, new_password: NEW, confirm_password: NEW }).expect(201);
    expect((await t.services.uow.repos.users.findById(b.id))!.passwordDigest).toBe(b.passwordDigest);
    await withSession(t, 'get', '/users/me', sb).expect(200);
    expect(await passwordActivities(b.id)).toHaveLength(0);
  });
});

describe('GET /users/activity/{topic}', () => {
  const T0 = Date.UTC(2024, 0, 1) / 1000;
  // Rows written in SQL, not through the activity log: paging and the time filters need known created_at values,
  // and the log stamps every row with the time it is written.
  const row = (userId: number, topic: string, result: string, offsetSeconds: number, action = 'x') => ({
    user_id: userId,
    category: 'user',
    user_ip: '203.0.113.7',
    user_agent: BROWSER,
    topic,
    action,
    result,
    data: result === 'failed' ? '{"reason":"r"}' : null,
    created_at: new Date((T0 + offsetSeconds) * 1000),
  });

  async function userWithHistory() {
    const user = await createUser(t);
    await t.db
      .knex('activities')
      .insert([
        row(user.id, 'account', 'succeed', 0, 'signup'),
        row(user.id, 'session', 'succeed', 10, 'login'),
        row(user.id, 'session', 'failed', 20, 'login'),
        row(user.id, 'password', 'succeed', 30, 'password change'),
        row(user.id, 'otp', 'failed', 40, 'enable 2FA'),
      ]);
    return { user, token: await bearer(t, user) };
  }

  it('lists every activity of the user, newest first, with paging headers', async () => {
    const { user, token } = await userWithHistory();
    const res = await withToken(t, 'get', '/users/activity/all', token).expect(200);
    expect(res.body.map((a: { action: string }) => a.action)).toEqual([
      'enable 2FA',
      'password change',
      'login',
      'login',
      'signup',
    ]);
    expect(res.body[0]).toEqual({
      id: expect.any(Number),
      user_ip: '203.0.113.7',
      user_ip_country: null,
      user_agent: BROWSER,
      topic: 'otp',
      action: 'enable 2FA',
      result: 'failed',
      data: '{"reason":"r"}',
      created_at: new Date((T0 + 40) * 1000).toISOString().replace('.000', ''),
    });
    expect(res.headers).toMatchObject({ total: '5', 'per-page': '100', page: '1' });
    expect(user.id).toBeGreaterThan(0);
  });

  it('filters by topic, result and time range (from inclusive, to exclusive)', async () => {
    const { token } = await userWithHistory();
    const get = (path: string) => withToken(t, 'get', path, token).expect(200);
    expect((await get('/users/activity/session')).body).toHaveLength(2);
    expect((await get('/users/activity/session?result=failed')).body).toHaveLength(1);
    expect((await get('/users/activity/all?result=failed')).body).toHaveLength(2);
    const ranged = await get(`/users/activity/all?time_from=${T0 + 10}&time_to=${T0 + 30}`);
    expect(ranged.body.map((a: { created_at: string }) => a.created_at)).toEqual([
      new Date((T0 + 20) * 1000).toISOString().replace('.000', ''),
      new Date((T0 + 10) * 1000).toISOString().replace('.000', ''),
    ]);
    expect(ranged.headers.total).toBe('2');
  });

  it('pages with page and limit', async () => {
    const { token } = await userWithHistory();
    const res = await withToken(t, 'get', '/users/activity/all?page=2&limit=2', token).expect(200);
    expect(res.body.map((a: { action: string }) => a.action)).toEqual(['login', 'login']);
    expect(res.headers).toMatchObject({ total: '5', 'per-page': '2', page: '2' });
    const past = await withToken(t, 'get', '/users/activity/all?page=4&limit=2', token).expect(200);
    expect(past.body).toEqual([]);
  });

  it('answers an empty history with 200 [] (the seed; Barong answers 422 no_activity)', async () => {
    const user = await createUser(t);
    const res = await withToken(t, 'get', '/users/activity/all', await bearer(t, user)).expect(200, []);
    expect(res.headers.total).toBe('0');
  });

  it.each([
    ['/users/activity/everything', 'resource.user.wrong_topic'],
    ['/users/activity/all?limit=101', 'invalid_limit'],
    ['/users/activity/all?limit=0', 'invalid_limit'],
    ['/users/activity/all?page=0', 'non_positive_page'],
    ['/users/activity/all?time_from=yesterday', 'resource.user.non_integer_time_from'],
    ['/users/activity/all?result=maybe', 'resource.user.invalid_result'],
  ])('%s → 422 %s', async (path, key) => {
    const user = await createUser(t);
    await withToken(t, 'get', path, await bearer(t, user)).expect(422, { errors: [key] });
  });

  it('shows only the caller’s activities', async () => {
    const { user: a } = await userWithHistory();
    const b = await createUser(t);
    await t.db.knex('activities').insert(row(b.id, 'session', 'succeed', 5, 'login'));
    const res = await withToken(t, 'get', '/users/activity/all', await bearer(t, b)).expect(200);
    expect(res.body).toHaveLength(1);
    expect(res.headers.total).toBe('1');
    const aIds = (await t.db.knex('activities').where({ user_id: a.id }).pluck('id')) as number[];
    expect(res.body.some((x: { id: number }) => aIds.includes(x.id))).toBe(false);
  });

  it('records the real password-change activity and shows it', async () => {
    const user = await createUser(t);
    const s = await login(t, user);
    await withSession(t, 'put', '/users/password', s)
      .send({
        old_password: 'Wrong-Password-1',
        new_password: 'Ohs3ie-Vah!Quu9xo',
        confirm_password: 'Ohs3ie-Vah!Quu9xo',
      })
      .expect(400);
    const res = await withSession(t, 'get', '/users/activity/password', s).expect(200);
    expect(res.body).toEqual([
      expect.objectContaining({ topic: 'password', action: 'password change', result: 'failed', user_agent: BROWSER }),
    ]);
  });
});

describe('activity records: client IP behind a trusted proxy, GeoIP country', () => {
  let geo: TestApp;
  beforeAll(async () => {
    const { path } = temporaryGeoDatabase(); // TEST_IPS.JP is Japan
    geo = await startTestApp({ BARONG_MAXMINDDB_PATH: path });
  });
  afterAll(async () => {
    await geo?.close();
  });

  it('a password change records the forwarded client IP, its country and the user agent', async () => {
    const user = await createUser(geo);
    const token = await bearer(geo, user);
    await withToken(geo, 'put', '/users/password', token)
      .set('X-Forwarded-For', '203.0.113.5')
      .set('User-Agent', BROWSER)
      .send({
        old_password: 'Wrong-Password-1',
        new_password: 'Ohs3ie-Vah!Quu9xo',
        confirm_password: 'Ohs3ie-Vah!Quu9xo',
      })
      .expect(400);
    const res = await withToken(geo, 'get', '/users/activity/password', token).expect(200);
    expect(res.body).toEqual([
      expect.objectContaining({
        user_ip: '203.0.113.5',
        user_ip_country: 'Japan',
        user_agent: BROWSER,
        result: 'failed',
      }),
    ]);
  });
});
