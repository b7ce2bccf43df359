/**
 * The admin behind an admin API call, and the one admin activity each of their writes (and each read of unmasked
 * personal data) records: written in the same transaction as the change, naming the admin and the target user, in
 * the format the gateway authorizer uses (category `admin`, topic = the area, action from the method). The
 * authorizer leaves calls to this server's admin API to this record, so each write is recorded exactly once,
 * whichever path it came by. An operator at the server's shell (the operators' CLI) has no account: their record
 * names their OS user and the command instead.
 */
import type { User } from '../../db/repositories/users-repository.js';
import type { RequestContext } from '../accounts/request-context.js';
import type { Work } from '../unit-of-work.js';
import { maskSecrets } from '../authz/admin-activity-log.js';

export interface AdminActor {
  user: User;
  ctx: RequestContext;
}

/** An operator running the CLI on the server: who they are to the OS, and what they ran. */
export interface CliActor {
  osUser: string;
  /** The command without its values, e.g. `users set-role`. */
  command: string;
}

export interface AdminRecord {
  /** The admin API area: `users`, `permissions`, `restrictions`, `profiles`, `activities` … */
  topic: string;
  action: 'create' | 'update' | 'delete' | 'read';
  /** The user the call acted on or read; '' when none (a permission, a restriction). */
  targetUid?: string;
  /** The call's parameters (secrets are masked before they are stored). */
  params?: Record<string, unknown>;
}

const DATA_MAX = 60_000;

export async function recordAdminActivity(w: Work, actor: AdminActor | CliActor, r: AdminRecord): Promise<void> {
  let data = maskSecrets(r.params ?? {}) as Record<string, unknown>;
  if (JSON.stringify(data).length > DATA_MAX) data = { note: 'parameters too large to record' };
  await w.repos.activities.record({
    ...('user' in actor ? adminSource(actor) : cliSource(actor)),
    category: 'admin',
    targetUid: r.targetUid ?? '',
    topic: r.topic,
    action: r.action,
    result: 'succeed',
    data: 'user' in actor ? data : { operator: actor.osUser, command: actor.command, ...data },
  });
}

function adminSource({ user, ctx }: AdminActor) {
  return { userId: user.id, userIp: ctx.ip, userIpCountry: ctx.country ?? null, userAgent: ctx.userAgent };
}

// The command ran on the server itself, not over the network: the loopback address says so.
function cliSource({ osUser, command }: CliActor) {
  return { userId: null, userIp: '127.0.0.1', userIpCountry: null, userAgent: `barong-cli (${osUser}): ${command}` };
}

/** Paths of this server's admin API as the authorizer sees them, under either base. */
export function isOwnAdminPath(path: string): boolean {
  return /^\/?api\/v2\/(barong\/)?admin(\/|$)/.test(path);
}
