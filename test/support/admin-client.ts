/** Calls to the admin API as a user of a given role, with a Bearer token as the gateway would forward it. */
import request from 'supertest';
import type { TestApp } from './app.js';
import { bearer } from './account-client.js';
import { createUser, type UserSpec } from './factories.js';

export const ADMIN = '/api/v2/barong/admin';

type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';

export interface AdminCaller {
  user: Awaited<ReturnType<typeof createUser>>;
  token: string;
  call(method: Method, path: string): request.Test;
}

export async function createAdmin(t: TestApp, role = 'superadmin', spec: UserSpec = {}): Promise<AdminCaller> {
  const user = await createUser(t, { role, ...spec });
  const token = await bearer(t, user);
  return {
    user,
    token,
    call: (method, path) => request(t.app)[method](ADMIN + path).set('Authorization', `Bearer ${token}`),
  };
}
