/** /resource/labels: users manage their public labels; private ones are read-only (reference §4.2, §10.1). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { startMailHarness, type MailHarness } from '../support/mail.js';
import { createUser, uniqueEmail } from '../support/factories.js';
import { bearer, login, recordEvents, withSession, withToken } from '../support/account-client.js';
import type { DomainEvent } from '../../src/domain/events/domain-events.js';
import type { User } from '../../src/db/repositories/users-repository.js';

let t: TestApp;
let events: DomainEvent[];

beforeAll(async () => {
  t = await startTestApp({ BARONG_LOGIN_MAX_ATTEMPTS: '1000', BARONG_LOGIN_MAX_ATTEMPTS_PER_IP: '1000' });
  events = recordEvents(t);
});
afterAll(async () => {
  await t?.close();
});

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const labelsOf = (userId: number) => t.db.knex('labels').where({ user_id: userId }).orderBy('id');

async function verifiedUser(): Promise<{ user: User & { password: string }; token: string }> {
  const user = await createUser(t, { privateLabels: { email: 'verified' } });
  return { user, token: await bearer(t, user) };
}

describe('GET /labels', () => {
  it('lists every label of the user, both scopes, by creation time (asc by default, desc on request)', async () => {
    const { user, token } = await verifiedUser();
    await withToken(t, 'post', '/labels', token).send({ key: 'colour', value: 'blue' }).expect(201);
    await withToken(t, 'post', '/labels', token).send({ key: 'shape', value: 'round' }).expect(201);
    const asc = await withToken(t, 'get', '/labels', token).expect(200);
    expect(asc.body.map((l: { key: string }) => l.key)).toEqual(['email', 'colour', 'shape']);
    expect(asc.body[0]).toEqual({
      key: 'email',
      value: 'verified',
      scope: 'private',
      created_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
    });
    const desc = await withToken(t, 'get', '/labels?ordering=desc', token).expect(200);
    expect(desc.body.map((l: { key: string }) => l.key)).toEqual(['shape', 'colour', 'email']);
    await withToken(t, 'get', '/labels?ordering=sideways', token).expect(422, {
      errors: ['resource.label.invalid_ordering'],
    });
    expect(user.id).toBeGreaterThan(0);
  });

  it("never shows another user's labels", async () => {
    const a = await verifiedUser();
    await withToken(t, 'post', '/labels', a.token).send({ key: 'secret-a', value: 'yes' }).expect(201);
    const b = await verifiedUser();
    const res = await withToken(t, 'get', '/labels', b.token).expect(200);
    expect(res.body.map((l: { key: string }) => l.key)).toEqual(['email']);
  });
});

describe('GET /labels/{key}', () => {
  it('answers the label with that key in any scope; 404 record.not_found otherwise', async () => {
    const { token } = await verifiedUser();
    const res = await withToken(t, 'get', '/labels/email', token).expect(200);
    expect(res.body).toMatchObject({ key: 'email', value: 'verified', scope: 'private' });
    await withToken(t, 'get', '/labels/nothing-here', token).expect(404, { errors: ['record.not_found'] });
  });

  it("404 for another user's label", async () => {
    const a = await verifiedUser();
    await withToken(t, 'post', '/labels', a.token).send({ key: 'mine-only', value: 'yes' }).expect(201);
    const b = await verifiedUser();
    await withToken(t, 'get', '/labels/mine-only', b.token).expect(404, { errors: ['record.not_found'] });
  });
});

describe('POST /labels', () => {
  it('creates a public label, key and value lower-cased and trimmed; model.label.created; 201', async () => {
    const { user } = await verifiedUser();
    const s = await login(t, user);
    const res = await withSession(t, 'post', '/labels', s)
      .type('form')
      .send({ key: '  Favourite-COLOUR ', value: ' Blue_Sky  ' })
      .expect(201);
    expect(res.body).toEqual({
      key: 'favourite-colour',
      value: 'blue_sky',
      scope: 'public',
      created_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
    });
    const event = events.find(
      (e) => e.name === 'model.label.created' && (e.payload.record as { user: { uid: string } }).user.uid === user.uid,
    );
    expect(event).toMatchObject({
      payload: { record: { key: 'favourite-colour', value: 'blue_sky' } },
      meta: { labelScope: 'public' },
    });
  });

  it('never changes level or state, even for a key named like a state trigger', async () => {
    const { user, token } = await verifiedUser();
    await withToken(t, 'post', '/labels', token).send({ key: 'delete', value: 'now' }).expect(201);
    await withToken(t, 'post', '/labels', token).send({ key: 'phone', value: 'verified' }).expect(201);
    const after = (await t.services.uow.repos.users.findById(user.id))!;
    expect({ state: after.state, level: after.level }).toEqual({ state: user.state, level: user.level });
    await withToken(t, 'get', '/users/me', token).expect(200);
  });

  it.each([
    [{ key: 'ab', value: 'blue' }, ['key.too_short']],
    [{ key: 'has space', value: 'blue' }, ['key.invalid']],
    [{ key: 'dots.not.allowed', value: 'blue' }, ['key.invalid']],
    [{ key: 'k'.repeat(256), value: 'blue' }, ['key.too_long']],
    [{ key: 'colour', value: 'x' }, ['value.too_short']],
    [{ key: 'colour', value: 'blue!' }, ['value.invalid']],
    [{ key: '!', value: '?' }, ['key.too_short', 'key.invalid', 'value.too_short', 'value.invalid']],
  ])('%j → 422 %j, nothing saved', async (body, errors) => {
    const { user, token } = await verifiedUser();
    await withToken(t, 'post', '/labels', token).send(body).expect(422, { errors });
    expect(await labelsOf(user.id)).toHaveLength(1);
  });

  it('422 key.taken for a key the user already has (public, or private: keys address one label)', async () => {
    const { user, token } = await verifiedUser();
    await withToken(t, 'post', '/labels', token).send({ key: 'colour', value: 'blue' }).expect(201);
    await withToken(t, 'post', '/labels', token)
      .send({ key: 'COLOUR', value: 'red' })
      .expect(422, { errors: ['key.taken'] });
    await withToken(t, 'post', '/labels', token)
      .send({ key: 'email', value: 'unverified' })
      .expect(422, { errors: ['key.taken'] });
    expect(await labelsOf(user.id)).toHaveLength(2);
  });

  it('the same key is free for another user', async () => {
    const a = await verifiedUser();
    const b = await verifiedUser();
    await withToken(t, 'post', '/labels', a.token).send({ key: 'colour', value: 'blue' }).expect(201);
    await withToken(t, 'post', '/labels', b.token).send({ key: 'colour', value: 'red' }).expect(201);
    expect((await labelsOf(a.user.id)).find((l) => l.key === 'colour')).toMatchObject({ value: 'blue' });
  });

  it('400 for a missing or blank key or value', async () => {
    const { token } = await verifiedUser();
    await withToken(t, 'post', '/labels', token)
      .send({ value: 'blue' })
      .expect(400, { errors: ['resource.label.missing_key', 'resource.label.empty_key'] });
    await withToken(t, 'post', '/labels', token)
      .send({ key: '', value: 'blue' })
      .expect(400, { errors: ['resource.label.empty_key'] });
    await withToken(t, 'post', '/labels', token)
      .send({ key: 'colour', value: '   ' })
      .expect(400, { errors: ['resource.label.empty_value'] });
  });

  it('sends no mail for a public label (the label mail is for private ones)', async () => {
    const mail: MailHarness = await startMailHarness(t);
    try {
      const user = await createUser(t, { email: uniqueEmail('labels') });
      const token = await bearer(t, user);
      await withToken(t, 'post', '/labels', token).send({ key: 'colour', value: 'blue' }).expect(201);
      await withToken(t, 'patch', '/labels/colour', token).send({ value: 'red' }).expect(200);
      // A mail enqueued after the label ones, to know the queue got past them.
      const NEW = 'Ohs3ie-Vah!Quu9xo';
      await withToken(t, 'put', '/users/password', token)
        .send({ old_password: user.password, new_password: NEW, confirm_password: NEW })
        .expect(201);
      await mail.mailTo(user.email, /Password Changed/);
      expect(
        mail.smtp.inbox.filter((m) => /Label/.test(m.subject ?? '') && JSON.stringify(m.to).includes(user.email)),
      ).toEqual([]);
    } finally {
      await mail.stop();
    }
  });
});

describe('PATCH /labels/{key}', () => {
  it('changes the value of a public label (normalised); model.label.updated; 200', async () => {
    const { user, token } = await verifiedUser();
    await withToken(t, 'post', '/labels', token).send({ key: 'colour', value: 'blue' }).expect(201);
    const res = await withToken(t, 'patch', '/labels/colour', token).type('form').send({ value: ' RED ' }).expect(200);
    expect(res.body).toMatchObject({ key: 'colour', value: 'red', scope: 'public' });
    expect((await labelsOf(user.id)).find((l) => l.key === 'colour')).toMatchObject({ value: 'red' });
    const event = events.find(
      (e) => e.name === 'model.label.updated' && (e.payload.record as { user: { uid: string } }).user.uid === user.uid,
    );
    expect(event?.payload).toMatchObject({ record: { key: 'colour', value: 'red' }, changes: { value: 'blue' } });
  });

  it('400 resource.labels.private for a private label; 404 for none', async () => {
    const { user, token } = await verifiedUser();
    await withToken(t, 'patch', '/labels/email', token)
      .send({ value: 'unverified' })
      .expect(400, { errors: ['resource.labels.private'] });
    expect((await labelsOf(user.id))[0]).toMatchObject({ key: 'email', value: 'verified' });
    await withToken(t, 'patch', '/labels/nothing-here', token)
      .send({ value: 'abc' })
      .expect(404, { errors: ['record.not_found'] });
  });

  it('422 for an invalid value, nothing saved (Barong answers 200 and saves nothing)', async () => {
    const { user, token } = await verifiedUser();
    await withToken(t, 'post', '/labels', token).send({ key: 'colour', value: 'blue' }).expect(201);
    await withToken(t, 'patch', '/labels/colour', token)
      .send({ value: 'no way' })
      .expect(422, { errors: ['value.invalid'] });
    await withToken(t, 'patch', '/labels/colour', token)
      .send({ value: 'ab' })
      .expect(422, { errors: ['value.too_short'] });
    expect((await labelsOf(user.id)).find((l) => l.key === 'colour')).toMatchObject({ value: 'blue' });
  });

  it("cannot change another user's label", async () => {
    const a = await verifiedUser();
    await withToken(t, 'post', '/labels', a.token).send({ key: 'colour', value: 'blue' }).expect(201);
    const b = await verifiedUser();
    await withToken(t, 'patch', '/labels/colour', b.token).send({ value: 'red' }).expect(404);
    expect((await labelsOf(a.user.id)).find((l) => l.key === 'colour')).toMatchObject({ value: 'blue' });
  });
});

describe('DELETE /labels/{key}', () => {
  it('deletes a public label: 204', async () => {
    const { user, token } = await verifiedUser();
    await withToken(t, 'post', '/labels', token).send({ key: 'colour', value: 'blue' }).expect(201);
    await withToken(t, 'delete', '/labels/colour', token).expect(204);
    expect((await labelsOf(user.id)).map((l) => l.key)).toEqual(['email']);
    await withToken(t, 'delete', '/labels/colour', token).expect(404, { errors: ['record.not_found'] });
  });

  it('400 resource.labels.private for a private label, which stays', async () => {
    const { user } = await verifiedUser();
    const s = await login(t, user);
    await withSession(t, 'delete', '/labels/email', s).expect(400, { errors: ['resource.labels.private'] });
    expect(await labelsOf(user.id)).toHaveLength(1);
  });

  it("cannot delete another user's label", async () => {
    const a = await verifiedUser();
    await withToken(t, 'post', '/labels', a.token).send({ key: 'colour', value: 'blue' }).expect(201);
    const b = await verifiedUser();
    await withToken(t, 'delete', '/labels/colour', b.token).expect(404);
    expect((await labelsOf(a.user.id)).map((l) => l.key)).toContain('colour');
  });
});
