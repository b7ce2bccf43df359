/** The admin API's labels on users: counts, users by label, add, update, upsert and delete, in any scope. */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createAdmin, type AdminCaller } from '../support/admin-client.js';
import { createUser } from '../support/factories.js';
import { recordEvents } from '../support/account-client.js';
import { Abilities } from '../../src/domain/admin/abilities.js';
import type { DomainEvent } from '../../src/domain/events/domain-events.js';

let t: TestApp;
let events: DomainEvent[];
let superadmin: AdminCaller;

beforeAll(async () => {
  t = await startTestApp();
  events = recordEvents(t);
  superadmin = await createAdmin(t, 'superadmin');
});
afterAll(() => t?.close());

const LEVEL_2 = { email: 'verified', phone: 'verified' };
/** A key no other test uses, so counts and lists see only this test's labels. */
const freshKey = () => `k-${randomBytes(4).toString('hex')}`;
const labelRow = (userId: number, key: string, scope = 'private') =>
  t.db.knex('labels').where({ user_id: userId, key, scope }).first();
const userRow = (userId: number) => t.db.knex('users').where({ id: userId }).first();
const eventsOf = (name: string, uid: string) =>
  events.filter((e) => e.name === name && (e.payload.record as { user?: { uid?: string } }).user?.uid === uid);
const adminActivities = (targetUid: string) =>
  t.db.knex('activities').where({ category: 'admin', target_uid: targetUid }).orderBy('id');

const add = (caller: AdminCaller, body: Record<string, unknown>) =>
  caller.call('post', '/users/labels').type('form').send(body);
const update = (caller: AdminCaller, body: Record<string, unknown>) =>
  caller.call('put', '/users/labels').type('form').send(body);
const upsert = (caller: AdminCaller, body: Record<string, unknown>) =>
  caller.call('post', '/users/labels/update').type('form').send(body);
const remove = (caller: AdminCaller, query: Record<string, string>) =>
  caller.call('delete', '/users/labels').query(query);

describe('GET /users/labels/list', () => {
  it('counts private labels by key and value, keyed as Barong prints the pair; public labels do not count', async () => {
    const key = freshKey();
    for (const value of ['verified', 'verified', 'pending']) {
      await createUser(t, { privateLabels: { [key]: value } });
    }
    const withPublic = await createUser(t);
    await t.services.uow.repos.labels.insert(withPublic.id, key, 'verified', 'public');
    const res = await superadmin.call('get', '/users/labels/list').expect(200);
    expect(res.body[`["${key}", "verified"]`]).toBe(2);
    expect(res.body[`["${key}", "pending"]`]).toBe(1);
    expect(Object.keys(res.body).filter((k) => k.includes(key))).toHaveLength(2);
  });
});

describe('GET /users/labels', () => {
  it('lists the users having the pair, in any scope (twice when in both), by id, with paging headers', async () => {
    const key = freshKey();
    const a = await createUser(t, { privateLabels: { [key]: 'yes' }, data: '{"language":"en"}' });
    const b = await createUser(t);
    await t.services.uow.repos.labels.insert(b.id, key, 'yes', 'public');
    await t.services.uow.repos.labels.insert(b.id, key, 'yes', 'private');
    await createUser(t, { privateLabels: { [key]: 'no' } });

    const all = await superadmin.call('get', `/users/labels?key=${key}&value=yes`).expect(200);
    expect(all.headers).toMatchObject({ total: '3', page: '1', 'per-page': '100' });
    expect(all.body.map((u: { uid: string }) => u.uid)).toEqual([a.uid, b.uid, b.uid]);
    expect(all.body[0]).toEqual({
      email: a.email,
      uid: a.uid,
      role: 'member',
      level: 1,
      otp: false,
      state: 'active',
      referral_uid: null,
      data: '{"language":"en"}',
      username: null,
    });

    const second = await superadmin.call('get', `/users/labels?key=${key}&value=yes&page=2&limit=2`).expect(200);
    expect(second.headers).toMatchObject({ total: '3', page: '2', 'per-page': '2' });
    expect(second.body.map((u: { uid: string }) => u.uid)).toEqual([b.uid]);
    const past = await superadmin.call('get', `/users/labels?key=${key}&value=yes&page=9`).expect(200);
    expect(past.body).toEqual([]);
    expect(past.headers.total).toBe('3');
  });

  it("shows the referrer's uid", async () => {
    const key = freshKey();
    const referrer = await createUser(t);
    const user = await createUser(t, { privateLabels: { [key]: 'yes' } });
    await t.services.uow.repos.users.update(user.id, { referralId: referrer.id });
    const res = await superadmin.call('get', `/users/labels?key=${key}&value=yes`).expect(200);
    expect(res.body[0].referral_uid).toBe(referrer.uid);
  });

  it('refuses a missing key or value and bad paging', async () => {
    await superadmin
      .call('get', '/users/labels')
      .expect(422, { errors: ['admin.user.missing_key', 'admin.user.missing_value'] });
    await superadmin.call('get', '/users/labels?key=a&value=b&page=0').expect(422, { errors: ['non_positive_page'] });
    await superadmin.call('get', '/users/labels?key=a&value=b&limit=101').expect(422, { errors: ['invalid_limit'] });
  });
});

describe('POST /users/labels', () => {
  it('adds a private label: level recomputed in the same transaction, events, one admin activity', async () => {
    const user = await createUser(t, { level: 2, privateLabels: LEVEL_2 });
    await add(superadmin, {
      uid: user.uid,
      key: ' Document ',
      value: 'VERIFIED',
      scope: 'private',
      description: 'passport checked',
    }).expect(200, {});
    expect(await labelRow(user.id, 'document')).toMatchObject({ value: 'verified', description: 'passport checked' });
    expect(await userRow(user.id)).toMatchObject({ level: 3 });

    const [created] = eventsOf('model.label.created', user.uid);
    expect(created?.payload.record).toMatchObject({
      key: 'document',
      value: 'verified',
      description: 'passport checked',
      user: { uid: user.uid, level: 3 },
    });
    // The mail relay sends `label_changed` for private labels.
    expect(created?.meta).toMatchObject({ email: user.email, labelScope: 'private' });
    expect(eventsOf('system.document.verified', user.uid)).toHaveLength(1);
    const userUpdates = events.filter(
      (e) => e.name === 'model.user.updated' && (e.payload.record as { uid: string }).uid === user.uid,
    );
    expect(userUpdates.map((e) => e.payload.changes)).toEqual([{ level: 2 }]);

    const activities = await adminActivities(user.uid);
    expect(activities).toHaveLength(1);
    expect(activities[0]).toMatchObject({
      user_id: superadmin.user.id,
      topic: 'users',
      action: 'create',
      result: 'succeed',
    });
    expect(JSON.parse(activities[0].data)).toMatchObject({
      uid: user.uid,
      key: ' Document ',
      value: 'VERIFIED',
      scope: 'private',
    });
  });

  it('adds a public label by default: no recomputation, event only', async () => {
    const user = await createUser(t, { privateLabels: { email: 'verified' } });
    await add(superadmin, { uid: user.uid, key: 'vip', value: 'gold' }).expect(200, {});
    expect(await labelRow(user.id, 'vip', 'public')).toMatchObject({ value: 'gold', description: null });
    const [created] = eventsOf('model.label.created', user.uid);
    expect(created?.meta.labelScope).toBe('public');
    expect(
      events.filter((e) => e.name === 'model.user.updated' && (e.payload.record as { uid: string }).uid === user.uid),
    ).toHaveLength(0);
  });

  it('sets the state from a state-trigger label', async () => {
    const user = await createUser(t, { privateLabels: { email: 'verified' } });
    await add(superadmin, { uid: user.uid, key: 'ban', value: 'fraud', scope: 'private' }).expect(200);
    expect(await userRow(user.id)).toMatchObject({ state: 'banned' });
  });

  it('refuses a key the user has in that scope, and a public key the user has in private', async () => {
    const user = await createUser(t, { privateLabels: { email: 'verified' } });
    await add(superadmin, { uid: user.uid, key: 'email', value: 'verified', scope: 'private' }).expect(422, {
      errors: ['key.taken'],
    });
    await add(superadmin, { uid: user.uid, key: 'email', value: 'other' }).expect(422, { errors: ['key.taken'] });
    await add(superadmin, { uid: user.uid, key: 'tier', value: 'one' }).expect(200);
    await add(superadmin, { uid: user.uid, key: 'tier', value: 'one', scope: 'private' }).expect(200);
    expect(await adminActivities(user.uid)).toHaveLength(2);
  });

  it('answers model errors of key and value, after normalising them', async () => {
    const user = await createUser(t);
    await add(superadmin, { uid: user.uid, key: 'ab', value: 'x!' }).expect(422, {
      errors: ['key.too_short', 'value.too_short', 'value.invalid'],
    });
    await add(superadmin, { uid: user.uid, key: 'a b c', value: 'v'.repeat(256) }).expect(422, {
      errors: ['key.invalid', 'value.too_long'],
    });
    expect(await adminActivities(user.uid)).toHaveLength(0);
  });

  it('validates the parameters', async () => {
    await add(superadmin, {}).expect(422, {
      errors: [
        'admin.user.missing_uid',
        'admin.user.empty_uid',
        'admin.user.missing_key',
        'admin.user.empty_key',
        'admin.user.missing_value',
        'admin.user.empty_value',
      ],
    });
    const user = await createUser(t);
    await add(superadmin, { uid: user.uid, key: 'abc', value: 'def', scope: 'secret' }).expect(422, {
      errors: ['scope.inclusion'],
    });
    await add(superadmin, { uid: user.uid, key: 'abc', value: 'def', description: '' }).expect(422, {
      errors: ['admin.user.empty_description'],
    });
    await add(superadmin, { uid: user.uid, key: 'abc', value: 'def', description: 'd'.repeat(256) }).expect(422, {
      errors: ['admin.user.invalid_description'],
    });
  });

  it('404 for an unknown user; only a superadmin labels a superadmin; nobody labels themself', async () => {
    await add(superadmin, { uid: 'ID0000000000', key: 'abc', value: 'def' }).expect(404, {
      errors: ['admin.user.doesnt_exist'],
    });
    const admin = await createAdmin(t, 'admin');
    const other = await createUser(t, { role: 'superadmin' });
    await add(admin, { uid: other.uid, key: 'abc', value: 'def' }).expect(422, {
      errors: ['admin.user.superadmin_change'],
    });
    await add(superadmin, { uid: other.uid, key: 'abc', value: 'def' }).expect(200);
    await add(admin, { uid: admin.user.uid, key: 'abc', value: 'def' }).expect(422, {
      errors: ['admin.user.update_himself'],
    });
    await add(superadmin, { uid: superadmin.user.uid, key: 'abc', value: 'def' }).expect(422, {
      errors: ['admin.user.update_himself'],
    });
    expect(await labelRow(admin.user.id, 'abc', 'public')).toBeUndefined();
  });
});

describe('PUT /users/labels', () => {
  it("changes a private label's value (an admin may undo a verified step), keeping the description unless given", async () => {
    const user = await createUser(t, { level: 2, privateLabels: { ...LEVEL_2, document: 'verified' } });
    await t.db.knex('labels').where({ user_id: user.id, key: 'document' }).update({ description: 'first look' });
    await update(superadmin, { uid: user.uid, key: 'document', scope: 'private', value: 'Rejected' }).expect(200, {});
    expect(await labelRow(user.id, 'document')).toMatchObject({ value: 'rejected', description: 'first look' });
    const [updated] = eventsOf('model.label.updated', user.uid);
    expect(updated?.payload.changes).toEqual({ value: 'verified' });
    expect(eventsOf('system.document.rejected', user.uid)).toHaveLength(1);

    await update(superadmin, {
      uid: user.uid,
      key: 'document',
      scope: 'private',
      value: 'rejected',
      description: 'blurry',
    }).expect(200);
    expect(await labelRow(user.id, 'document')).toMatchObject({ value: 'rejected', description: 'blurry' });
    expect(eventsOf('model.label.updated', user.uid).at(-1)?.payload.changes).toEqual({ description: 'first look' });
    expect(await adminActivities(user.uid)).toHaveLength(2);
  });

  it('recomputes the level when a private label leaves its level value', async () => {
    const user = await createUser(t, { level: 2, privateLabels: LEVEL_2 });
    await update(superadmin, { uid: user.uid, key: 'phone', scope: 'private', value: 'rejected' }).expect(200);
    expect(await userRow(user.id)).toMatchObject({ level: 1 });
  });

  it('changes a public label', async () => {
    const user = await createUser(t);
    await t.services.uow.repos.labels.insert(user.id, 'vip', 'gold', 'public');
    await update(superadmin, { uid: user.uid, key: 'vip', scope: 'public', value: 'silver' }).expect(200);
    expect(await labelRow(user.id, 'vip', 'public')).toMatchObject({ value: 'silver' });
    expect(eventsOf('model.label.updated', user.uid).at(-1)?.meta.labelScope).toBe('public');
  });

  it('404 for a label not in that scope (or an unknown scope); 422 for an invalid value', async () => {
    const user = await createUser(t, { privateLabels: { email: 'verified' } });
    await update(superadmin, { uid: user.uid, key: 'email', scope: 'public', value: 'verified' }).expect(404, {
      errors: ['admin.label.doesnt_exist'],
    });
    await update(superadmin, { uid: user.uid, key: 'email', scope: 'secret', value: 'verified' }).expect(404, {
      errors: ['admin.label.doesnt_exist'],
    });
    await update(superadmin, { uid: 'ID0000000000', key: 'email', scope: 'private', value: 'verified' }).expect(404, {
      errors: ['admin.user.doesnt_exist'],
    });
    await update(superadmin, { uid: user.uid, key: 'email', scope: 'private', value: 'no way' }).expect(422, {
      errors: ['value.invalid'],
    });
    await update(superadmin, { uid: user.uid }).expect(422, {
      errors: [
        'admin.user.missing_key',
        'admin.user.empty_key',
        'admin.user.missing_scope',
        'admin.user.empty_scope',
        'admin.user.missing_value',
        'admin.user.empty_value',
      ],
    });
    expect(await adminActivities(user.uid)).toHaveLength(0);
  });
});

describe('POST /users/labels/update', () => {
  it('creates the label when there is none (replace defaults to true)', async () => {
    const user = await createUser(t, { level: 2, privateLabels: LEVEL_2 });
    await upsert(superadmin, {
      uid: user.uid,
      key: 'document',
      scope: 'private',
      value: 'verified',
      description: 'ok',
    }).expect(200, {});
    expect(await labelRow(user.id, 'document')).toMatchObject({ value: 'verified', description: 'ok' });
    expect(await userRow(user.id)).toMatchObject({ level: 3 });
    const [activity] = await adminActivities(user.uid);
    expect(activity).toMatchObject({ action: 'create', topic: 'users' });
    expect(JSON.parse(activity.data)).toMatchObject({ replace: true });
  });

  it('updates value and description; a description not given is cleared (Barong parity)', async () => {
    const user = await createUser(t);
    await t.services.uow.repos.labels.insert(user.id, 'vip', 'gold', 'public', 'since 2020');
    await upsert(superadmin, { uid: user.uid, key: 'vip', scope: 'public', value: 'silver' }).expect(200);
    expect(await labelRow(user.id, 'vip', 'public')).toMatchObject({ value: 'silver', description: null });
  });

  it('404 with replace=false when there is no such label; non-boolean replace is refused', async () => {
    const user = await createUser(t);
    await upsert(superadmin, { uid: user.uid, key: 'vip', scope: 'public', value: 'gold', replace: 'false' }).expect(
      404,
      { errors: ['admin.label.doesnt_exist'] },
    );
    await upsert(superadmin, { uid: user.uid, key: 'vip', scope: 'public', value: 'gold', replace: 'maybe' }).expect(
      422,
      { errors: ['admin.user.non_boolean_replace'] },
    );
    await upsert(superadmin, { uid: user.uid, key: 'vip', scope: 'other', value: 'gold' }).expect(422, {
      errors: ['scope.inclusion'],
    });
    expect(await labelRow(user.id, 'vip', 'public')).toBeUndefined();
  });

  it('refuses a public key the user has in private', async () => {
    const user = await createUser(t, { privateLabels: { email: 'verified' } });
    await upsert(superadmin, { uid: user.uid, key: 'email', scope: 'public', value: 'verified' }).expect(422, {
      errors: ['key.taken'],
    });
  });
});

describe('DELETE /users/labels', () => {
  it('deletes a private label and recomputes level and state', async () => {
    const user = await createUser(t, { level: 2, privateLabels: LEVEL_2 });
    await remove(superadmin, { uid: user.uid, key: 'email', scope: 'private' }).expect(200, {});
    expect(await labelRow(user.id, 'email')).toBeUndefined();
    expect(await userRow(user.id)).toMatchObject({ level: 0, state: 'pending' });
    expect(eventsOf('model.label.updated', user.uid)).toHaveLength(0);
    const [activity] = await adminActivities(user.uid);
    expect(activity).toMatchObject({ action: 'delete', topic: 'users' });
  });

  it('deletes a public label only in its scope', async () => {
    const user = await createUser(t);
    await t.services.uow.repos.labels.insert(user.id, 'vip', 'gold', 'public');
    await remove(superadmin, { uid: user.uid, key: 'vip', scope: 'private' }).expect(404, {
      errors: ['admin.label.doesnt_exist'],
    });
    await remove(superadmin, { uid: user.uid, key: 'vip', scope: 'public' }).expect(200);
    expect(await labelRow(user.id, 'vip', 'public')).toBeUndefined();
  });

  it('validates the parameters and the target', async () => {
    await remove(superadmin, {}).expect(422, {
      errors: [
        'admin.user.missing_uid',
        'admin.user.empty_uid',
        'admin.user.missing_key',
        'admin.user.empty_key',
        'admin.user.missing_scope',
        'admin.user.empty_scope',
      ],
    });
    await remove(superadmin, { uid: '', key: 'abc', scope: 'public' }).expect(422, {
      errors: ['admin.user.empty_uid'],
    });
    await remove(superadmin, { uid: 'ID0000000000', key: 'abc', scope: 'public' }).expect(404, {
      errors: ['admin.user.doesnt_exist'],
    });
    const compliance = await createAdmin(t, 'compliance');
    await remove(compliance, { uid: superadmin.user.uid, key: 'abc', scope: 'public' }).expect(422, {
      errors: ['admin.user.superadmin_change'],
    });
    await remove(compliance, { uid: compliance.user.uid, key: 'abc', scope: 'public' }).expect(422, {
      errors: ['admin.user.update_himself'],
    });
  });
});

describe('who may', () => {
  const writes = (caller: AdminCaller, uid: string) => [
    add(caller, { uid, key: 'abc', value: 'def' }),
    update(caller, { uid, key: 'abc', scope: 'public', value: 'def' }),
    upsert(caller, { uid, key: 'abc', scope: 'public', value: 'def' }),
    remove(caller, { uid, key: 'abc', scope: 'public' }),
  ];
  const reads = (caller: AdminCaller) => [
    caller.call('get', '/users/labels/list'),
    caller.call('get', '/users/labels?key=abc&value=def'),
  ];

  it('compliance and admin label users; accountant, technical and support only read (the permission table keeps them out)', async () => {
    const user = await createUser(t);
    for (const role of ['compliance', 'admin']) {
      const caller = await createAdmin(t, role);
      for (const res of await Promise.all(reads(caller))) expect(res.status).toBe(200);
      await add(caller, { uid: user.uid, key: `by-${role}`, value: 'yes' }).expect(200);
    }
    for (const role of ['accountant', 'technical', 'support']) {
      const caller = await createAdmin(t, role);
      for (const res of await Promise.all(reads(caller))) expect(res.status).toBe(200);
      for (const res of await Promise.all(writes(caller, user.uid)))
        expect([res.status, res.body]).toEqual([401, { errors: ['authz.invalid_permission'] }]);
    }
    const member = await createAdmin(t, 'member');
    for (const res of await Promise.all([...reads(member), ...writes(member, user.uid)])) expect(res.status).toBe(401);
  });

  it('checks the ability of the Label subject for writes and of User for reads', async () => {
    const compliance = await createAdmin(t, 'compliance');
    const user = await createUser(t);
    const bundled = t.services.abilities;
    try {
      t.services.abilities = new Abilities({ admin_permissions: { compliance: { read: ['User', 'Label'] } } });
      for (const res of await Promise.all(reads(compliance))) expect(res.status).toBe(200);
      for (const res of await Promise.all(writes(compliance, user.uid)))
        expect([res.status, res.body]).toEqual([401, { errors: ['admin.ability.not_permitted'] }]);
      t.services.abilities = new Abilities({ admin_permissions: { compliance: { manage: ['Label'] } } });
      for (const res of await Promise.all(reads(compliance)))
        expect([res.status, res.body]).toEqual([401, { errors: ['admin.ability.not_permitted'] }]);
    } finally {
      t.services.abilities = bundled;
    }
    expect(await adminActivities(user.uid)).toHaveLength(0);
  });
});
