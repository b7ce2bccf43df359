/**
 * Leaves a server QA runs as the run found it: every user the run made (the builder's, and those the hooks signed
 * up or the management API created under the run's tag) is erased by the superadmin; while the server holds
 * erasures (BARONG_ERASURE_HOLD_DAYS), each is banned instead, its phones removed and its service accounts
 * disabled through the management API. Returns the lines it prints.
 */
import type { ServerClient, Session } from './client.js';

/** Addresses the hooks themselves may make (support.cjs email(name), the documented dredd.<name>@example.com). */
const HOOK_MADE = ['user', 'confirm', 'managed', 'imported'];

interface Outcome {
  uid: string;
  email: string;
  how: string;
}

async function findByEmail(client: ServerClient, admin: Session, email: string): Promise<string | undefined> {
  const res = await client.call('GET', `/admin/users?${new URLSearchParams({ email })}`, { session: admin });
  const found = Array.isArray(res.body) ? res.body.find((u: { email: string }) => u.email === email) : undefined;
  return found?.uid;
}

/** Without erasure: phones off, service accounts disabled (management API), the user banned (admin API). */
async function disable(client: ServerClient, admin: Session, uid: string): Promise<string> {
  const done: string[] = [];
  if (client.hasManagement) {
    const phones = await client.managementCall('/phones/get', { uid });
    for (const phone of Array.isArray(phones.body) ? phones.body : []) {
      const res = await client.managementCall('/phones/delete', { uid, number: phone.number });
      if (res.status === 201) done.push(`phone ${phone.number} removed`);
    }
    const accounts = await client.managementCall('/service_accounts/list', { owner_uid: uid });
    for (const account of Array.isArray(accounts.body) ? accounts.body : []) {
      const res = await client.managementCall('/service_accounts/delete', { uid: account.uid });
      if (res.status === 200) done.push(`service account ${account.uid} disabled`);
    }
  }
  const ban = await client.call('PUT', '/admin/users', { form: { uid, state: 'banned' }, session: admin });
  // The ban transactions (PUT /admin/users, POST /admin/users/update) leave their fixture banned already.
  const already = ban.status === 422 && JSON.stringify(ban.body).includes('admin.user.state_no_change');
  done.unshift(
    ban.status === 200
      ? 'banned'
      : already
        ? 'banned (by its transaction)'
        : `NOT banned (${ban.status} ${JSON.stringify(ban.body)})`,
  );
  return done.join(', ');
}

async function cleanOne(client: ServerClient, admin: Session, uid: string): Promise<string> {
  const erased = await client.call('POST', '/admin/users/erase', { form: { uid }, session: admin });
  if (erased.status === 200) return 'erased';
  const user = await client.call('GET', `/admin/users/${uid}`, { session: admin });
  if (user.status === 200 && user.body.state === 'deleted') return 'already erased (by its transaction)';
  return disable(client, admin, uid);
}

export async function cleanUp(
  client: ServerClient,
  admin: Session,
  made: { uid: string; email: string }[],
  email: (name: string) => string,
): Promise<string[]> {
  const outcomes: Outcome[] = [];
  const users = [...made];
  for (const name of HOOK_MADE) {
    const uid = await findByEmail(client, admin, email(name));
    if (uid) users.push({ uid, email: email(name) });
  }
  for (const user of users) {
    try {
      outcomes.push({ ...user, how: await cleanOne(client, admin, user.uid) });
    } catch (err) {
      outcomes.push({ ...user, how: `NOT cleaned: ${(err as Error).message}` });
    }
  }
  const lines = outcomes.map((o) => `  ${o.uid} ${o.email}: ${o.how}`);
  const left = outcomes.filter((o) => o.how.startsWith('NOT') || o.how.includes('NOT banned')).length;
  lines.push(`contract: cleaned ${outcomes.length - left} of ${outcomes.length} users the run made`);
  return lines;
}
