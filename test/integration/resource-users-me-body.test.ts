/**
 * GET /users/me for an account with something in every list the view shows (a referrer, labels, phones, profiles,
 * data storages): the whole body, field by field. The lists are read by one statement
 * (src/db/repositories/account-details-repository.ts), with the user's row for the route's guard; this pins what it
 * must answer, order and fractions included, and that it equals what the tables' own repositories read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createUser } from '../support/factories.js';
import { bearer, login, withSession, withToken } from '../support/account-client.js';
import type { User } from '../../src/db/repositories/users-repository.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ BARONG_USER_STORAGE_TITLES: 'personal,notes' });
});
afterAll(async () => {
  await t?.close();
});

const at = (iso: string) => new Date(iso);

async function addPhone(user: User, digits: string, country: string, validatedAt: Date | null): Promise<void> {
  const { encryptor, uow } = t.services;
  const phone = await uow.repos.phones.insert(
    { userId: user.id, country, numberEncrypted: encryptor.encrypt(digits), numberIndex: encryptor.blindIndex(digits) },
    { codeDigest: null, codeExpiresAt: new Date(), codeSentAt: new Date() },
  );
  if (validatedAt) await uow.repos.phones.markVerified(phone.id, validatedAt);
}

/** A referred member with two of everything, written with fixed times (some out of id order). */
async function fullAccount(): Promise<{ user: User & { password: string }; referrer: User }> {
  const { encryptor, uow } = t.services;
  const referrer = await createUser(t);
  const user = await createUser(t, { data: '{"language":"en"}' });
  await uow.repos.users.update(user.id, { referralId: referrer.id, username: `member${user.id}` });
  const labels = t.db.knex('labels');
  await uow.repos.labels.insert(user.id, 'email', 'verified', 'private');
  await uow.repos.labels.insert(user.id, 'vip', 'gold', 'public', 'a loyal customer');
  await uow.repos.labels.insert(user.id, 'phone', 'verified', 'private');
  // Oldest first whatever the ids say; the id breaks a tie.
  await labels
    .clone()
    .where({ user_id: user.id, key: 'email' })
    .update({ created_at: at('2024-03-01T10:00:00Z') });
  await labels
    .clone()
    .where({ user_id: user.id, key: 'vip' })
    .update({ created_at: at('2024-01-01T10:00:00Z') });
  await labels
    .clone()
    .where({ user_id: user.id, key: 'phone' })
    .update({ created_at: at('2024-03-01T10:00:00Z') });
  await labels
    .clone()
    .where({ user_id: user.id })
    .update({ updated_at: at('2024-04-01T08:30:15Z') });
  await addPhone(user, '12025550471', 'US', at('2021-06-15T10:20:00.123Z'));
  await addPhone(user, '447700900123', 'GB', null);
  const enc = (v: string) => encryptor.encrypt(v);
  await uow.repos.profiles.insert(user.id, {
    firstNameEncrypted: enc('John'),
    lastNameEncrypted: enc('Doe'),
    dobEncrypted: enc('1990-01-15'),
    addressEncrypted: enc('1600 Pennsylvania Avenue NW'),
    postcode: '20500',
    city: 'Washington',
    country: 'US',
    state: 4,
    metadata: '{"reason":"blurred"}',
  });
  await uow.repos.profiles.insert(user.id, { firstNameEncrypted: enc('Jöhn'), state: 0, author: referrer.uid });
  await t.db
    .knex('profiles')
    .where({ user_id: user.id })
    .update({
      created_at: at('2024-02-02T02:02:02Z'),
      updated_at: at('2024-02-03T03:03:03Z'),
    });
  await uow.repos.dataStorages.insert(user.id, 'personal', '{"a":"ü"}');
  await uow.repos.dataStorages.insert(user.id, 'notes', '[1,2]');
  await t.db
    .knex('data_storages')
    .where({ user_id: user.id })
    .update({
      created_at: at('2024-05-05T05:05:05Z'),
      updated_at: at('2024-05-06T06:06:06Z'),
    });
  await t.db
    .knex('users')
    .where({ id: user.id })
    .update({
      created_at: at('2023-12-31T23:59:59Z'),
      updated_at: at('2024-06-01T00:00:00Z'),
    });
  return { user: { ...(await uow.repos.users.findById(user.id))!, password: user.password }, referrer };
}

describe('GET /users/me, every list filled', () => {
  it('answers the whole account, in order, the same with the cookie and with a token', async () => {
    const { user, referrer } = await fullAccount();
    const label = (key: string, value: string, scope: string, created: string) => ({
      key,
      value,
      scope,
      created_at: created,
      updated_at: '2024-04-01T08:30:15Z',
    });
    const profile = { created_at: '2024-02-02T02:02:02Z', updated_at: '2024-02-03T03:03:03Z' };
    const storage = { created_at: '2024-05-05T05:05:05Z', updated_at: '2024-05-06T06:06:06Z' };
    const expected = {
      email: user.email,
      uid: user.uid,
      role: 'member',
      level: 1,
      otp: false,
      state: 'active',
      referral_uid: referrer.uid,
      data: '{"language":"en"}',
      username: `member${user.id}`,
      labels: [
        label('vip', 'gold', 'public', '2024-01-01T10:00:00Z'),
        label('email', 'verified', 'private', '2024-03-01T10:00:00Z'),
        label('phone', 'verified', 'private', '2024-03-01T10:00:00Z'),
      ],
      phones: [
        { country: 'US', number: '1******0471', validated_at: '2021-06-15T10:20:00.123Z' },
        { country: 'GB', number: '44******0123', validated_at: null },
      ],
      profiles: [
        {
          first_name: 'John',
          last_name: 'D**',
          dob: '1990-01-**',
          address: '1600 Pennsylvania Avenue NW',
          postcode: '20500',
          city: 'Washington',
          country: 'US',
          state: 'rejected',
          metadata: '{"reason":"blurred"}',
          ...profile,
        },
        {
          first_name: 'Jöhn',
          last_name: null,
          dob: null,
          address: null,
          postcode: null,
          city: null,
          country: null,
          state: 'drafted',
          metadata: null,
          ...profile,
        },
      ],
      data_storages: [
        { title: 'personal', data: '{"a":"ü"}', ...storage },
        { title: 'notes', data: '[1,2]', ...storage },
      ],
      created_at: '2023-12-31T23:59:59Z',
      updated_at: '2024-06-01T00:00:00Z',
    };
    const byToken = await withToken(t, 'get', '/users/me', await bearer(t, user)).expect(200);
    expect(byToken.body).toStrictEqual(expected);
    const session = await login(t, user);
    const byCookie = await withSession(t, 'get', '/users/me', session).expect(200);
    // A login writes to the user's row; the rest stays as it was.
    expect(byCookie.body).toStrictEqual({ ...expected, updated_at: expect.stringMatching(/Z$/) });
  });

  it('equals what the per-table repositories read', async () => {
    const { user } = await fullAccount();
    const { uow } = t.services;
    const one = await uow.repos.accountDetails.forUser(user.id, user.referralId);
    expect(one).toStrictEqual({
      referralUid: await uow.repos.users.uidOf(user.referralId),
      labels: await uow.repos.labels.listByUser(user.id),
      phones: (await uow.repos.phones.listByUser(user.id)).map(({ id, country, numberEncrypted, validatedAt }) => ({
        id,
        country,
        numberEncrypted,
        validatedAt,
      })),
      profiles: await uow.repos.profiles.listByUser(user.id),
      dataStorages: await uow.repos.dataStorages.listByUser(user.id),
    });
    // The guard of GET /users/me reads the user's row with the lists.
    const { password: _password, ...row } = user;
    expect(await uow.repos.accountDetails.findByUid(user.uid)).toStrictEqual({ user: row, ...one });
    expect(await uow.repos.accountDetails.findByUid('ID0000000000')).toBeUndefined();
  });

  it('answers empty lists and no referrer for an account with none', async () => {
    const user = await createUser(t);
    expect(await t.services.uow.repos.accountDetails.forUser(user.id, null)).toStrictEqual({
      referralUid: null,
      labels: [],
      phones: [],
      profiles: [],
      dataStorages: [],
    });
  });
});
