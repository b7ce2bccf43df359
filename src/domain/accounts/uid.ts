import { randomBytes } from 'node:crypto';
import type { Repositories } from '../../db/repositories/index.js';

/** `<prefix><10 upper-case hex>` from 5 random bytes, unique across users and service accounts. */
export async function newUid(repos: Repositories, prefix: string): Promise<string> {
  for (;;) {
    const uid = prefix + randomBytes(5).toString('hex').toUpperCase();
    if (!(await repos.users.uidTaken(uid))) return uid;
  }
}
