/** Calls to the admin API as a user of a given role, with a Bearer token as the gateway would forward it. */
import request from 'supertest';
import type { TestApp } from './app.js';
import { bearer, BROWSER } from './account-client.js';
import { createUser, type UserSpec } from './factories.js';

export const ADMIN = '/api/v2/barong/admin';
/** The two refusals of a caller who is signed in: the permission table's, then the abilities file's. */
export const INVALID_PERMISSION = { errors: ['authz.invalid_permission'] };
export const NOT_PERMITTED = { errors: ['admin.ability.not_permitted'] };

type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';

export interface AdminCaller {
  user: Awaited<ReturnType<typeof createUser>>;
  token: string;
  call(method: Method, path: string): request.Test;
  /** A form body, sent from a browser's User-Agent (as admin activities record it). */
  form(method: 'post' | 'put', path: string, body: Record<string, unknown>): request.Test;
}

export async function createAdmin(t: TestApp, role = 'superadmin', spec: UserSpec = {}): Promise<AdminCaller> {
  const user = await createUser(t, { role, ...spec });
  const token = await bearer(t, user);
  const call = (method: Method, path: string) =>
    request(t.app)
      [method](ADMIN + path)
      .set('Authorization', `Bearer ${token}`);
  return {
    user,
    token,
    call,
    form: (method, path, body) => call(method, path).set('User-Agent', BROWSER).type('form').send(body),
  };
}

/** The admin activities an admin's calls recorded, oldest first. */
export function adminActivitiesOf(t: TestApp, userId: number) {
  return t.db.knex('activities').where({ user_id: userId, category: 'admin' }).orderBy('id');
}
