/** POST /resource/data_storage (reference §4.11): configured titles, JSON data, one record per title and user. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createUser } from '../support/factories.js';
import { bearer, login, recordEvents, withSession, withToken } from '../support/account-client.js';
import type { DomainEvent } from '../../src/domain/events/domain-events.js';

let t: TestApp;
let events: DomainEvent[];

beforeAll(async () => {
  t = await startTestApp({
    BARONG_USER_STORAGE_TITLES: 'personal, Personal ,notes,my notes,ab,user,Phone,address,email',
  });
  events = recordEvents(t);
});
afterAll(async () => {
  await t?.close();
});

const storagesOf = (userId: number) => t.db.knex('data_storages').where({ user_id: userId }).orderBy('id');
const DATA = '{"language":"en","theme":"dark"}';

async function member() {
  const user = await createUser(t, { privateLabels: { email: 'verified' } });
  return { user, token: await bearer(t, user) };
}

describe('POST /data_storage', () => {
  it('stores the record, adds the private label <title>: recorded, announces it; 201', async () => {
    const { user } = await member();
    const s = await login(t, user);
    await withSession(t, 'post', '/data_storage', s)
      .type('form')
      .send({ title: 'personal', data: DATA })
      .expect(201, {});
    expect(await storagesOf(user.id)).toEqual([expect.objectContaining({ title: 'personal', data: DATA })]);
    expect(await t.services.uow.repos.labels.find(user.id, 'personal', 'private')).toMatchObject({ value: 'recorded' });
    const event = events.find(
      (e) => e.name === 'model.data_storage.created' && JSON.stringify(e.payload).includes(user.uid),
    );
    expect(event?.payload).toMatchObject({ record: { title: 'personal', data: DATA, user: { uid: user.uid } } });
    const me = await withSession(t, 'get', '/users/me', s).expect(200);
    expect(me.body.data_storages).toEqual([
      { title: 'personal', data: DATA, created_at: expect.any(String), updated_at: expect.any(String) },
    ]);
    // A private label change recomputes level and state; a member with `email: verified` stays active.
    expect((await t.services.uow.repos.users.findById(user.id))!.state).toBe('active');
  });

  it('a title that is not a valid label key is stored without a label (Barong parity)', async () => {
    const { user, token } = await member();
    await withToken(t, 'post', '/data_storage', token).send({ title: 'my notes', data: '{}' }).expect(201);
    await withToken(t, 'post', '/data_storage', token).send({ title: 'ab', data: '[]' }).expect(201);
    expect((await storagesOf(user.id)).map((r) => r.title)).toEqual(['my notes', 'ab']);
    expect((await t.db.knex('labels').where({ user_id: user.id })).map((l) => l.key)).toEqual(['email']);
  });

  it.each([
    [{ title: 'unlisted', data: '{}' }, ['title.inclusion']],
    [{ title: 'PERSONAL', data: '{}' }, ['title.inclusion']],
    [{ title: 'user', data: '{}' }, ['title.exclusion']],
    [{ title: 'Phone', data: '{}' }, ['title.exclusion']],
    [{ title: 'document', data: '{}' }, ['title.inclusion', 'title.exclusion']],
    [{ title: 'notes', data: '{not json' }, ['data.invalid_format']],
    [{ title: 'notes', data: JSON.stringify({ v: 'x'.repeat(5120) }) }, ['data.too_long']],
    [{ title: 'unlisted', data: 'nope' }, ['title.inclusion', 'data.invalid_format']],
  ])('%j → 422 %j, nothing stored', async (body, errors) => {
    const { user, token } = await member();
    await withToken(t, 'post', '/data_storage', token).send(body).expect(422, { errors });
    expect(await storagesOf(user.id)).toEqual([]);
  });

  it('data of exactly 5120 characters is accepted', async () => {
    const { token } = await member();
    const data = JSON.stringify({ v: 'x'.repeat(5120 - 8) });
    expect(data).toHaveLength(5120);
    await withToken(t, 'post', '/data_storage', token).send({ title: 'notes', data }).expect(201);
  });

  it('422 title.taken for a title the user already used, whatever its case', async () => {
    const { user, token } = await member();
    await withToken(t, 'post', '/data_storage', token).send({ title: 'personal', data: '{}' }).expect(201);
    await withToken(t, 'post', '/data_storage', token)
      .send({ title: 'personal', data: '{"a":1}' })
      .expect(422, { errors: ['title.taken'] });
    await withToken(t, 'post', '/data_storage', token)
      .send({ title: 'Personal', data: '{"a":1}' })
      .expect(422, { errors: ['title.taken'] });
    expect(await storagesOf(user.id)).toHaveLength(1);
  });

  it('422 for a missing or empty title or data', async () => {
    const { token } = await member();
    await withToken(t, 'post', '/data_storage', token)
      .send({ data: '{}' })
      .expect(422, {
        errors: ['resource.datastorage.missing_title', 'resource.datastorage.empty_title'],
      });
    await withToken(t, 'post', '/data_storage', token)
      .send({ title: 'notes', data: '' })
      .expect(422, { errors: ['resource.datastorage.empty_data'] });
  });

  it('never rewrites a verified label, when a listed title names one: 422 already_verified, nothing stored (security case 25)', async () => {
    const { user, token } = await member();
    await t.services.uow.run(async (w) => {
      const owner = (await w.repos.users.findById(user.id))!;
      await t.services.privateLabels.set(w, owner, 'address', 'verified', { by: 'admin' });
    });
    await withToken(t, 'post', '/data_storage', token)
      .send({ title: 'address', data: '{}' })
      .expect(422, { errors: ['resource.address.already_verified'] });
    await withToken(t, 'post', '/data_storage', token)
      .send({ title: 'email', data: '{}' })
      .expect(422, { errors: ['resource.email.already_verified'] });
    expect(await storagesOf(user.id)).toEqual([]);
    const labels = await t.db.knex('labels').where({ user_id: user.id, scope: 'private' }).orderBy('key');
    expect(labels.map((l) => [l.key, l.value])).toEqual([
      ['address', 'verified'],
      ['email', 'verified'],
    ]);
    expect((await t.services.uow.repos.users.findById(user.id))!.state).toBe('active');
  });

  it("one user's title does not block another's, and neither sees the other's record", async () => {
    const a = await member();
    const b = await member();
    await withToken(t, 'post', '/data_storage', a.token).send({ title: 'notes', data: '{"who":"a"}' }).expect(201);
    await withToken(t, 'post', '/data_storage', b.token).send({ title: 'notes', data: '{"who":"b"}' }).expect(201);
    const me = await withToken(t, 'get', '/users/me', b.token).expect(200);
    expect(me.body.data_storages).toEqual([expect.objectContaining({ title: 'notes', data: '{"who":"b"}' })]);
    expect((await storagesOf(a.user.id))[0]).toMatchObject({ data: '{"who":"a"}' });
  });
});

describe('POST /data_storage without configured titles (the default)', () => {
  let bare: TestApp;
  beforeAll(async () => {
    bare = await startTestApp();
  });
  afterAll(async () => {
    await bare?.close();
  });

  it('refuses every title: 422 title.inclusion, as Barong', async () => {
    const user = await createUser(bare);
    await withToken(bare, 'post', '/data_storage', await bearer(bare, user))
      .send({ title: 'personal', data: '{}' })
      .expect(422, {
        errors: ['title.inclusion'],
      });
  });
});
