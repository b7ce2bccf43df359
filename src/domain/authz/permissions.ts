/**
 * Role-based permissions of the authorizer, compiled once per load into per-role, per-verb lists
 * so a decision is a scan of that role's few rows with `startsWith` — no SQL, no allocation when nothing is
 * audited. Rows (role × verb × path prefix → ACCEPT | DROP | AUDIT) are read in id order.
 */
import type { Permission } from '../../db/repositories/permissions-repository.js';

export type PermissionRule = Pick<Permission, 'id' | 'role' | 'verb' | 'path' | 'action' | 'topic'>;

/** An admin activity the caller records for a User principal; service accounts are not logged. */
export interface AuditNote {
  /** Already resolved: the first AUDIT row's topic, else the path segment after `admin/`, else `general`. */
  topic: string;
  result: 'succeed' | 'denied';
}

/** `allowed: false` always carries an audit note (Barong logs every denial of a User as result `denied`). */
export type PermissionDecision = { allowed: true; audit?: AuditNote } | { allowed: false; audit: AuditNote };

export const INVALID_PERMISSION = { status: 401, key: 'authz.invalid_permission' } as const;

const ALLOWED: PermissionDecision = Object.freeze({ allowed: true });
const TOPIC_MAX = 64;

/** Barong's activity topic: the permission's topic, else the first path segment after `admin/`, else `general`. */
export function auditTopic(path: string, permissionTopic: string | null | undefined): string {
  if (permissionTopic) return permissionTopic.slice(0, TOPIC_MAX);
  const at = path.indexOf('admin/');
  const segment = at < 0 ? '' : (path.slice(at + 'admin/'.length).split('/')[0] ?? '');
  return segment ? segment.slice(0, TOPIC_MAX) : 'general';
}

export class PermissionSet {
  /** role → request method → the rows for that method or ALL, in id order; key '' holds the ALL rows alone. */
  private readonly rules = new Map<string, Map<string, PermissionRule[]>>();

  constructor(rows: readonly PermissionRule[]) {
    const sorted = [...rows].sort((a, b) => a.id - b.id);
    for (const row of sorted) {
      let byVerb = this.rules.get(row.role);
      if (!byVerb) this.rules.set(row.role, (byVerb = new Map([['', []]])));
      if (row.verb === 'ALL') for (const list of byVerb.values()) list.push(row);
      else {
        let list = byVerb.get(row.verb);
        if (!list) byVerb.set(row.verb, (list = [...(byVerb.get('') ?? [])]));
        list.push(row);
      }
    }
  }

  /** The roles that exist (Barong: a role is any role with at least one permission row). */
  get roles(): string[] {
    return [...this.rules.keys()];
  }

  hasRole(role: string): boolean {
    return this.rules.has(role);
  }

  /**
   * Barong parity: deny when no row matches, any matching row is DROP, or none is ACCEPT; an AUDIT row on an
   * allowed request asks for an admin activity with the first AUDIT row's topic. `path` has no leading slash.
   */
  decide(role: string, method: string, path: string): PermissionDecision {
    const byVerb = this.rules.get(role);
    const rows = byVerb && (byVerb.get(method.toUpperCase()) ?? byVerb.get(''));
    let accepted = false;
    let audited = false;
    let topic: string | null = null;
    if (rows) {
      for (const row of rows) {
        if (!path.startsWith(row.path)) continue;
        if (row.action === 'DROP') return denied(path);
        if (row.action === 'ACCEPT') accepted = true;
        else if (row.action === 'AUDIT' && !audited) {
          audited = true;
          topic = row.topic;
        }
      }
    }
    if (!accepted) return denied(path);
    return audited ? { allowed: true, audit: { topic: auditTopic(path, topic), result: 'succeed' } } : ALLOWED;
  }
}

function denied(path: string): PermissionDecision {
  return { allowed: false, audit: { topic: auditTopic(path, null), result: 'denied' } };
}
