import type { Json } from '../../src/lib/json.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createUser } from '../support/factories.js';
import { bearer, login, recordEvents, withSession, withToken, RESOURCE } from '../support/account-client.js';
import type { DomainEvent } from '../../src/domain/events/domain-events.js';

let t: TestApp;
let events: DomainEvent[];

beforeAll(async () => {
  t = await startTestApp();
  events = recordEvents(t);
});
afterAll(async () => {
  await t?.close();
});

const FULL = {
  first_name: '  John   Paul ',
  last_name: 'Doe',
  dob: '1990-01-15',
  address: '1600 Pennsylvania Avenue NW, Apt. #4',
  postcode: '20500',
  city: 'Washington',
  country: 'us',
  metadata: '{"nationality":"US"}',
};

async function member() {
  const user = await createUser(t);
  return { user, token: await bearer(t, user) };
}

const profileRows = (userId: number) => t.db.knex('profiles').where({ user_id: userId }).orderBy('id');
const privateLabel = (userId: number, key: string) =>
  t.db.knex('labels').where({ user_id: userId, key, scope: 'private' }).first();

describe('POST /resource/profiles', () => {
  it('creates a drafted profile: 201, masked answer, personal fields encrypted at rest, label and event', async () => {
    const { user, token } = await member();
    const res = await withToken(t, 'post', '/profiles', token).type('form').send(FULL).expect(201);
    expect(res.body).toEqual({
      first_name: 'John Paul',
      last_name: 'D**',
      dob: '1990-01-**',
      address: '1600 Pennsylvania Avenue NW, Apt. #4',
      postcode: '20500',
      city: 'Washington',
      country: 'US',
      state: 'drafted',
      metadata: '{"nationality":"US"}',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      updated_at: expect.stringMatching(/Z$/),
    });
    const [row] = await profileRows(user.id);
    for (const column of ['first_name_encrypted', 'last_name_encrypted', 'dob_encrypted', 'address_encrypted']) {
      expect(row[column]).toMatch(/^v\d+:/);
    }
    expect(JSON.stringify(row)).not.toMatch(/John|Doe|1990-01-15|Pennsylvania/);
    expect(t.services.encryptor.decrypt(row.last_name_encrypted)).toBe('Doe');
    expect(t.services.encryptor.decrypt(row.dob_encrypted)).toBe('1990-01-15');
    expect(row.state).toBe(0);
    expect(await privateLabel(user.id, 'profile')).toMatchObject({ value: 'drafted' });
    const created = events.find(
      (e) => e.name === 'model.profile.created' && (e.payload.record as Json).user.uid === user.uid,
    );
    expect(created?.payload.record).toMatchObject({
      first_name: 'John Paul',
      last_name: 'Doe',
      dob: '1990-01-15',
      country: 'US',
    });
    expect(created?.payload.record).not.toHaveProperty('state');
  });

  it('takes JSON too, every field optional; confirm=true submits at once', async () => {
    const { user, token } = await member();
    const res = await withToken(t, 'post', '/profiles', token).send({ confirm: true }).expect(201);
    expect(res.body).toMatchObject({
      first_name: null,
      last_name: null,
      dob: null,
      state: 'submitted',
      metadata: null,
    });
    expect(await privateLabel(user.id, 'profile')).toMatchObject({ value: 'submitted' });
  });

  it('allows one drafted-or-submitted profile at a time: 409 state.exists', async () => {
    const { token } = await member();
    await withToken(t, 'post', '/profiles', token).send({ first_name: 'Ann' }).expect(201);
    const res = await withToken(t, 'post', '/profiles', token).send({ first_name: 'Bob' }).expect(409);
    expect(res.body).toEqual({ errors: ['state.exists'] });
    await withToken(t, 'put', '/profiles', token).send({ confirm: true }).expect(200);
    await withToken(t, 'post', '/profiles', token).send({ first_name: 'Bob' }).expect(409);
  });

  it('lets exactly one of two concurrent creates through', async () => {
    const { user, token } = await member();
    const results = await Promise.all(
      [1, 2, 3].map(() => withToken(t, 'post', '/profiles', token).send({ city: 'Paris' })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect(await profileRows(user.id)).toHaveLength(1);
  });

  it('a verified or rejected profile does not block a new one', async () => {
    const { user, token } = await member();
    await withToken(t, 'post', '/profiles', token).send({ city: 'Paris', confirm: true }).expect(201);
    await t.db.knex('profiles').where({ user_id: user.id }).update({ state: 4 });
    await withToken(t, 'post', '/profiles', token).send({ city: 'Lyon' }).expect(201);
    const list = await withToken(t, 'get', '/profiles/me', token).expect(200);
    expect(list.body.map((p: { state: string }) => p.state)).toEqual(['rejected', 'drafted']);
  });

  it.each([
    [{ first_name: 'John<script>' }, ['first_name.invalid']],
    [{ last_name: 'x'.repeat(256) }, ['last_name.too_long']],
    [{ dob: '2999-01-01' }, ['dob.invalid']],
    [{ dob: '1990-02-30' }, ['dob.invalid_format']],
    [{ dob: 'yesterday' }, ['dob.invalid_format']],
    [{ postcode: 'A' }, ['postcode.too_short']],
    [{ postcode: '75001!' }, ['postcode.invalid']],
    [{ city: 'Paris$' }, ['city.invalid']],
    [{ address: 'Main street <b>' }, ['address.invalid']],
    [{ country: 'XX' }, ['country.invalid']],
    [{ country: 'France' }, ['country.invalid']],
    [{ metadata: '{not json' }, ['metadata.invalid_format']],
    [
      { first_name: '1nv@lid', city: 'P@ris', metadata: 'x' },
      ['first_name.invalid', 'city.invalid', 'metadata.invalid_format'],
    ],
  ])('refuses %j: 422 %j, nothing stored', async (body, keys) => {
    const { user, token } = await member();
    const res = await withToken(t, 'post', '/profiles', token).type('form').send(body).expect(422);
    expect(res.body).toEqual({ errors: keys });
    expect(await profileRows(user.id)).toHaveLength(0);
  });

  it('accepts Unicode names, alpha-3 countries (upper-cased), squishes names, city and postcode', async () => {
    const { token } = await member();
    const res = await withToken(t, 'post', '/profiles', token)
      .send({
        first_name: 'Zoë',
        last_name: "O'Brien-Łukasz",
        city: '  Saint–Étienne  ',
        postcode: ' 42 000 ',
        country: 'fra',
      })
      .expect(201);
    expect(res.body).toMatchObject({
      first_name: 'Zoë',
      last_name: 'O*************',
      city: 'Saint–Étienne',
      postcode: '42 000',
      country: 'FRA',
    });
  });

  it('works with the session cookie and its CSRF token, and refuses the cookie without it', async () => {
    const user = await createUser(t);
    const s = await login(t, user);
    await withSession(t, 'post', '/profiles', s, { csrf: false })
      .send({ city: 'Rome' })
      .expect(401, { errors: ['authz.missing_csrf_token'] });
    await withSession(t, 'post', '/profiles', s).send({ city: 'Rome' }).expect(201);
  });

  it('needs a signed-in user: 401', async () => {
    await request(t.app)
      .post(`${RESOURCE}/profiles`)
      .send({ city: 'Rome' })
      .expect(401, { errors: ['jwt.decode_and_verify'] });
  });
});

describe('PUT /resource/profiles', () => {
  it('edits only the given fields of the drafted profile, then confirm submits it', async () => {
    const { user, token } = await member();
    await withToken(t, 'post', '/profiles', token).type('form').send(FULL).expect(201);
    const edited = await withToken(t, 'put', '/profiles', token)
      .type('form')
      .send({ city: 'Boston', first_name: '' })
      .expect(200);
    expect(edited.body).toMatchObject({ first_name: 'John Paul', last_name: 'D**', city: 'Boston', state: 'drafted' });
    const updated = events.filter(
      (e) => e.name === 'model.profile.updated' && (e.payload.record as Json).user.uid === user.uid,
    );
    expect(updated.at(-1)?.payload).toMatchObject({ record: { city: 'Boston' }, changes: { city: 'Washington' } });
    const submitted = await withToken(t, 'put', '/profiles', token).type('form').send({ confirm: 'true' }).expect(200);
    expect(submitted.body).toMatchObject({ state: 'submitted', city: 'Boston' });
    expect(await privateLabel(user.id, 'profile')).toMatchObject({ value: 'submitted' });
    const res = await withToken(t, 'put', '/profiles', token).send({ city: 'Denver' }).expect(404);
    expect(res.body).toEqual({ errors: ['resource.profile.doesnt_exist_or_not_editable'] });
  });

  it('answers 404 without a profile, 422 for invalid fields (nothing changed)', async () => {
    const { user, token } = await member();
    await withToken(t, 'put', '/profiles', token).send({ city: 'Oslo' }).expect(404);
    await withToken(t, 'post', '/profiles', token).send({ city: 'Oslo' }).expect(201);
    const res = await withToken(t, 'put', '/profiles', token).send({ city: 'Oslo!', dob: '2999-12-31' }).expect(422);
    expect(res.body).toEqual({ errors: ['dob.invalid', 'city.invalid'] });
    expect((await profileRows(user.id))[0]).toMatchObject({ city: 'Oslo' });
  });

  it('needs a signed-in user: 401', async () => {
    await request(t.app).put(`${RESOURCE}/profiles`).send({ city: 'Rome' }).expect(401);
  });
});

describe('after the profile step is verified (security case 25)', () => {
  const closed = { errors: ['resource.profile.already_verified'] };

  /** What an admin does (the admin API comes later): the profile verified, row and label. */
  async function verifyProfile(userId: number) {
    await t.db.knex('profiles').where({ user_id: userId }).update({ state: 3 });
    await t.services.uow.run(async (w) => {
      const owner = (await w.repos.users.findById(userId))!;
      await t.services.privateLabels.set(w, owner, 'profile', 'verified', { by: 'admin' });
    });
  }

  it('POST /profiles no longer starts a new one: 422 already_verified, label and rows unchanged, no event', async () => {
    const { user, token } = await member();
    await withToken(t, 'post', '/profiles', token).send({ city: 'Paris', confirm: true }).expect(201);
    await verifyProfile(user.id);
    const before = events.length;
    expect((await withToken(t, 'post', '/profiles', token).send({ city: 'Lyon' }).expect(422)).body).toEqual(closed);
    expect(
      (await withToken(t, 'post', '/profiles', token).send({ city: 'Lyon', confirm: true }).expect(422)).body,
    ).toEqual(closed);
    expect(await privateLabel(user.id, 'profile')).toMatchObject({ value: 'verified' });
    expect((await profileRows(user.id)).map((p) => p.state)).toEqual([3]);
    expect(events.slice(before).filter((e) => (e.payload.record as Json | undefined)?.user?.uid === user.uid)).toEqual(
      [],
    );
  });

  it('PUT /profiles cannot move it back either, even with a drafted profile left over', async () => {
    const { user, token } = await member();
    await withToken(t, 'post', '/profiles', token).send({ city: 'Oslo' }).expect(201);
    await t.services.uow.run(async (w) => {
      const owner = (await w.repos.users.findById(user.id))!;
      await t.services.privateLabels.set(w, owner, 'profile', 'verified', { by: 'admin' });
    });
    expect(
      (await withToken(t, 'put', '/profiles', token).send({ city: 'Bergen', confirm: true }).expect(422)).body,
    ).toEqual(closed);
    expect(await privateLabel(user.id, 'profile')).toMatchObject({ value: 'verified' });
    expect((await profileRows(user.id))[0]).toMatchObject({ city: 'Oslo', state: 0 });
  });
});

describe('GET /resource/profiles/me', () => {
  it('answers 404 record.not_found while the user has no profile (the seed), then the profiles', async () => {
    const { token } = await member();
    await withToken(t, 'get', '/profiles/me', token).expect(404, { errors: ['record.not_found'] });
    await withToken(t, 'post', '/profiles', token).send({ last_name: 'Smith', dob: '1985-07-04' }).expect(201);
    const res = await withToken(t, 'get', '/profiles/me', token).expect(200);
    expect(res.body).toEqual([expect.objectContaining({ last_name: 'S****', dob: '1985-07-**', state: 'drafted' })]);
  });

  it('also shows in GET /users/me', async () => {
    const { token } = await member();
    await withToken(t, 'post', '/profiles', token).send({ last_name: 'Smith' }).expect(201);
    const me = await withToken(t, 'get', '/users/me', token).expect(200);
    expect(me.body.profiles).toEqual([expect.objectContaining({ last_name: 'S****' })]);
  });

  it('needs a signed-in user: 401', async () => {
    await request(t.app).get(`${RESOURCE}/profiles/me`).expect(401);
  });
});

describe('ownership', () => {
  it("one user can neither read nor change another user's profile", async () => {
    const alice = await member();
    const bob = await member();
    await withToken(t, 'post', '/profiles', alice.token).type('form').send(FULL).expect(201);
    await withToken(t, 'get', '/profiles/me', bob.token).expect(404);
    await withToken(t, 'put', '/profiles', bob.token).send({ city: 'Hacked', confirm: true }).expect(404);
    await withToken(t, 'post', '/profiles', bob.token).send({ city: 'Bern' }).expect(201);
    const mine = await withToken(t, 'get', '/profiles/me', alice.token).expect(200);
    expect(mine.body).toEqual([expect.objectContaining({ city: 'Washington', state: 'drafted' })]);
    const theirs = await withToken(t, 'get', '/profiles/me', bob.token).expect(200);
    expect(theirs.body).toEqual([expect.objectContaining({ city: 'Bern' })]);
    expect(await privateLabel(alice.user.id, 'profile')).toMatchObject({ value: 'drafted' });
  });
});
