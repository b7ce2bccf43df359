/** A stolen session or token must not become a password oracle: wrong passwords spend the login budget. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createUser } from '../support/factories.js';
import { bearer, withToken } from '../support/account-client.js';
import type { User } from '../../src/db/repositories/users-repository.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ BARONG_LOGIN_MAX_ATTEMPTS: '3' });
});
afterAll(async () => {
  await t?.close();
});

/** DELETE /users/me as the user (Bearer token), with the password given. */
async function deleteMeAs(user: User) {
  const token = await bearer(t, user);
  return (password: string) => withToken(t, 'delete', `/users/me?password=${encodeURIComponent(password)}`, token);
}

describe('password checks on the resource API', () => {
  it('PUT /users/password refuses with 429 once the account’s attempts are spent, even with the right password', async () => {
    const user = await createUser(t);
    const token = await bearer(t, user);
    const change = (old: string) =>
      withToken(t, 'put', '/users/password', token).send({
        old_password: old,
        new_password: 'Fresh-Secret-4242',
        confirm_password: 'Fresh-Secret-4242',
      });
    for (let i = 0; i < 3; i++) await change('Wrong-Guess-1').expect(400);
    const res = await change(user.password).expect(429);
    expect(res.body).toEqual({ errors: ['identity.session.too_many_attempts'] });
  });

  it('DELETE /users/me shares the same budget with login', async () => {
    const user = await createUser(t);
    const remove = await deleteMeAs(user);
    for (let i = 0; i < 3; i++) await remove('Wrong-Guess-1').expect(422);
    await remove(user.password).expect(429);
    expect((await t.services.uow.repos.users.findById(user.id))!.state).toBe('active');
  });

  it('a right password gives the budget back', async () => {
    const user = await createUser(t);
    const remove = await deleteMeAs(user);
    for (let i = 0; i < 2; i++) await remove('Wrong-Guess-1').expect(422);
    await remove(user.password).expect(204);
  });
});
