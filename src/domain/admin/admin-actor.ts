/**
 * The admin behind an admin API call, and the one admin activity each of their writes (and each read of unmasked
 * personal data) records: written in the same transaction as the change, naming the admin and the target user, in
 * the format the gateway authorizer uses (category `admin`, topic = the area, action from the method). The
 * authorizer leaves calls to this server's admin API to this record, so each write is recorded exactly once,
 * whichever path it came by.
 */
import type { User } from '../../db/repositories/users-repository.js';
import type { RequestContext } from '../accounts/request-context.js';
import type { Work } from '../unit-of-work.js';
import { maskSecrets } from '../authz/admin-activity-log.js';

export interface AdminActor {
  user: User;
  ctx: RequestContext;
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

export async function recordAdminActivity(w: Work, actor: AdminActor, r: AdminRecord): Promise<void> {
  let data = maskSecrets(r.params ?? {}) as Record<string, unknown>;
  if (JSON.stringify(data).length > DATA_MAX) data = { note: 'parameters too large to record' };
  await w.repos.activities.record({
    userId: actor.user.id,
    category: 'admin',
    targetUid: r.targetUid ?? '',
    userIp: actor.ctx.ip,
    userIpCountry: actor.ctx.country ?? null,
    userAgent: actor.ctx.userAgent,
    topic: r.topic,
    action: r.action,
    result: 'succeed',
    data,
  });
}

/** Paths of this server's admin API as the authorizer sees them, under either base. */
export function isOwnAdminPath(path: string): boolean {
  return /^\/?api\/v2\/(barong\/)?admin(\/|$)/.test(path);
}
