/** Management API: users by label, a user's labels, and private labels written by the exchange's services. */
import { describe, expect, it } from 'vitest';
import { managementKeys, managementTestApp } from '../support/management-client.js';
import { activeUser, createUser } from '../support/factories.js';

// As Barong's sample configuration: label writes need both applogic and peatio.
const keys = managementKeys({
  write_labels: { permitted_signers: ['applogic', 'peatio'], mandatory_signers: ['applogic', 'peatio'] },
});
const BOTH = ['applogic', 'peatio'];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

const m = managementTestApp(keys);

const userOf = async (id: number) => (await m.t.services.uow.repos.users.findById(id))!;
const labelEvents = (uid: string, name: string) =>
  m.events.filter((e) => e.name === name && (e.payload.record as { user?: { uid: string } }).user?.uid === uid);

/** A key no other test uses, so the lists by label see only this test's users. */
let keySeq = 0;
const uniqueKey = () => `tier-${process.pid}-${keySeq++}`;

describe('POST /labels/filter/users', () => {
  it('lists the users having the label (any scope unless given), by id, paged; extended adds profiles', async () => {
    const key = uniqueKey();
    const [a, b, c] = [await activeUser(m.t), await activeUser(m.t), await activeUser(m.t)];
    await m.call('/labels', { user_uid: a.uid, key, value: 'gold' }, BOTH).expect(201);
    await m.call('/labels', { user_uid: c.uid, key, value: 'silver' }, BOTH).expect(201);
    await m.t.services.uow.repos.labels.insert(b.id, key, 'gold', 'public');
    await m.call('/profiles', { uid: a.uid, last_name: 'Roe' }).expect(201);

    const all = await m.call('/labels/filter/users', { key }).expect(200);
    expect(all.body.map((u: { uid: string }) => u.uid)).toEqual([a.uid, b.uid, c.uid]);
    expect(all.headers).toMatchObject({ total: '3', 'per-page': '100', page: '1' });
    expect(all.body[0]).toEqual({
      email: a.email,
      uid: a.uid,
      role: 'member',
      level: 1,
      otp: false,
      state: 'active',
      referral_uid: null,
      data: null,
      username: null,
    });

    const gold = await m
      .call('/labels/filter/users', { key, value: 'gold', scope: 'private', extended: true })
      .expect(200);
    expect(gold.body).toEqual([
      expect.objectContaining({
        uid: a.uid,
        profiles: [expect.objectContaining({ last_name: 'Roe' })],
        created_at: expect.stringMatching(ISO),
      }),
    ]);
    const second = await m.call('/labels/filter/users', { key, limit: 2, page: 2 }).expect(200);
    expect(second.body.map((u: { uid: string }) => u.uid)).toEqual([c.uid]);
  });

  it('bounds the label’s creation or update time with from / to; a user labelled in both scopes is listed twice', async () => {
    const key = uniqueKey();
    const user = await activeUser(m.t);
    await m.call('/labels', { user_uid: user.uid, key, value: 'gold' }, BOTH).expect(201);
    await m.t.services.uow.repos.labels.insert(user.id, key, 'gold', 'public');
    const twice = await m.call('/labels/filter/users', { key }).expect(200);
    expect(twice.body.map((u: { uid: string }) => u.uid)).toEqual([user.uid, user.uid]);

    const now = Math.floor(Date.now() / 1000);
    await m.call('/labels/filter/users', { key, from: now + 3600 }).expect(200, []);
    const updated = await m
      .call('/labels/filter/users', { key, range: 'updated', from: now - 3600, to: now + 3600 })
      .expect(200);
    expect(updated.headers.total).toBe('2');
  });

  it("422 with Grape's messages", async () => {
    await m.call('/labels/filter/users', {}).expect(422, { error: 'key is missing, key is empty' });
    await m.call('/labels/filter/users', { key: 'x', range: 'forever' }).expect(422, { error: 'range Invalid range' });
    await m.call('/labels/filter/users', { key: 'x', from: 'yesterday' }).expect(422, { error: 'from is invalid' });
  });
});

describe('POST /labels/list', () => {
  it("lists the user's labels, both scopes, with descriptions; 201; 404 for an unknown user", async () => {
    const user = await activeUser(m.t);
    await m
      .call('/labels', { user_uid: user.uid, key: 'kyc', value: 'checked', description: 'by applogic' }, BOTH)
      .expect(201);
    await m.t.services.uow.repos.labels.insert(user.id, 'colour', 'blue', 'public');
    const res = await m.call('/labels/list', { user_uid: user.uid }).expect(201);
    expect(res.body).toEqual([
      {
        key: 'email',
        value: 'verified',
        scope: 'private',
        description: null,
        created_at: expect.stringMatching(ISO),
        updated_at: expect.stringMatching(ISO),
      },
      {
        key: 'kyc',
        value: 'checked',
        scope: 'private',
        description: 'by applogic',
        created_at: expect.stringMatching(ISO),
        updated_at: expect.stringMatching(ISO),
      },
      {
        key: 'colour',
        value: 'blue',
        scope: 'public',
        description: null,
        created_at: expect.stringMatching(ISO),
        updated_at: expect.stringMatching(ISO),
      },
    ]);
    await m.call('/labels/list', { user_uid: 'ID0000000000' }).expect(404, { error: 'Record is not found' });
  });
});

describe('POST /labels', () => {
  it('adds a private label, normalised; level and state follow; model.label.created; 201', async () => {
    const user = await createUser(m.t, { state: 'pending', level: 0 });
    const res = await m
      .call('/labels', { user_uid: user.uid, key: ' Email ', value: 'VERIFIED', description: 'imported' }, BOTH)
      .expect(201);
    expect(res.body).toEqual({
      key: 'email',
      value: 'verified',
      scope: 'private',
      created_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
    });
    expect(await userOf(user.id)).toMatchObject({ state: 'active', level: 1 });
    const [created] = labelEvents(user.uid, 'model.label.created');
    expect(created).toMatchObject({
      payload: { record: { key: 'email', value: 'verified', description: 'imported' } },
      meta: { labelScope: 'private' },
    });
  });

  it('a document label reviewed by a service emits system.document.verified', async () => {
    const user = await activeUser(m.t);
    await m.call('/labels', { user_uid: user.uid, key: 'document', value: 'verified' }, BOTH).expect(201);
    expect(labelEvents(user.uid, 'system.document.verified')).toHaveLength(1);
  });

  it("422 with the label's rules as Rails' messages; 404 for an unknown user; 401 without both signers", async () => {
    const user = await activeUser(m.t);
    await m
      .call('/labels', { user_uid: user.uid, key: 'email', value: 'verified' }, BOTH)
      .expect(422, { error: 'Key has already been taken' });
    await m.call('/labels', { user_uid: user.uid, key: 'ab', value: 'no way!' }, BOTH).expect(422, {
      error: 'Key is too short (minimum is 3 characters), Value is invalid',
    });
    await m
      .call('/labels', { user_uid: 'ID0000000000', key: 'kyc', value: 'ok' }, BOTH)
      .expect(404, { error: 'Record is not found' });
    await m
      .call('/labels', { user_uid: user.uid, key: 'kyc', value: 'yes' }, ['applogic'])
      .expect(401, { error: 'Not enough signatures for the action.' });
    await m
      .call('/labels', { user_uid: user.uid }, BOTH)
      .expect(422, { error: 'key is missing, key is empty, value is missing, value is empty' });
  });
});

describe('PUT /labels', () => {
  it('changes the value (and description when given); level and state follow; model.label.updated; 200', async () => {
    const user = await activeUser(m.t);
    await m
      .call('/labels', { user_uid: user.uid, key: 'kyc', value: 'pending', description: 'first look' }, BOTH)
      .expect(201);
    const res = await m.call('/labels', { user_uid: user.uid, key: 'kyc', value: 'checked' }, BOTH, 'put').expect(200);
    expect(res.body).toMatchObject({ key: 'kyc', value: 'checked', scope: 'private' });
    expect(await m.t.services.uow.repos.labels.find(user.id, 'kyc', 'private')).toMatchObject({
      value: 'checked',
      description: 'first look',
    });
    expect(labelEvents(user.uid, 'model.label.updated').at(-1)?.payload).toMatchObject({
      changes: { value: 'pending' },
    });

    await m.call('/labels', { user_uid: user.uid, key: 'email', value: 'rejected' }, BOTH, 'put').expect(200);
    expect(await userOf(user.id)).toMatchObject({ state: 'pending', level: 0 });
  });

  it('creates a missing label unless replace is false (404 label doesnt exist)', async () => {
    const user = await activeUser(m.t);
    await m
      .call('/labels', { user_uid: user.uid, key: 'phone', value: 'verified', replace: false }, BOTH, 'put')
      .expect(404, { error: 'label doesnt exist' });
    await m
      .call('/labels', { user_uid: user.uid, key: 'phone', value: 'verified', description: 'by sms' }, BOTH, 'put')
      .expect(200);
    expect(await m.t.services.uow.repos.labels.find(user.id, 'phone', 'private')).toMatchObject({
      value: 'verified',
      description: 'by sms',
    });
    expect(await userOf(user.id)).toMatchObject({ level: 2 });
  });

  it('may undo a verified KYC step, as an admin may; 422 for an invalid value; 404 for an unknown user', async () => {
    const user = await activeUser(m.t);
    await m.call('/labels', { user_uid: user.uid, key: 'profile', value: 'verified' }, BOTH).expect(201);
    await m.call('/labels', { user_uid: user.uid, key: 'profile', value: 'rejected' }, BOTH, 'put').expect(200);
    await m
      .call('/labels', { user_uid: user.uid, key: 'profile', value: 'x' }, BOTH, 'put')
      .expect(422, { error: 'Value is too short (minimum is 3 characters)' });
    await m
      .call('/labels', { user_uid: 'ID0000000000', key: 'profile', value: 'verified' }, BOTH, 'put')
      .expect(404, { error: 'Record is not found' });
    await m
      .call('/labels', { user_uid: user.uid, key: 'profile', value: 'verified', replace: 'sometimes' }, BOTH, 'put')
      .expect(422, { error: 'replace is invalid' });
  });
});

describe('POST /labels/delete', () => {
  it('deletes the private label; level and state follow; 204; 404 for a missing label or user', async () => {
    const user = await activeUser(m.t);
    await m.call('/labels/delete', { user_uid: user.uid, key: 'email' }, BOTH).expect(204);
    expect(await userOf(user.id)).toMatchObject({ state: 'pending', level: 0 });
    expect(await m.t.services.uow.repos.labels.listByUser(user.id)).toEqual([]);
    await m
      .call('/labels/delete', { user_uid: user.uid, key: 'email' }, BOTH)
      .expect(404, { error: 'Record is not found' });
    await m.t.services.uow.repos.labels.insert(user.id, 'colour', 'blue', 'public');
    await m
      .call('/labels/delete', { user_uid: user.uid, key: 'colour' }, BOTH)
      .expect(404, { error: 'Record is not found' });
    await m
      .call('/labels/delete', { user_uid: 'ID0000000000', key: 'email' }, BOTH)
      .expect(404, { error: 'Record is not found' });
  });
});

describe('signers of the labels scopes', () => {
  it('read_labels needs applogic', async () => {
    const user = await activeUser(m.t);
    await m
      .call('/labels/list', { user_uid: user.uid }, ['peatio'])
      .expect(401, { error: 'Not enough signatures for the action.' });
    await m
      .call('/labels/filter/users', { key: 'email' }, ['peatio'])
      .expect(401, { error: 'Not enough signatures for the action.' });
  });
});
