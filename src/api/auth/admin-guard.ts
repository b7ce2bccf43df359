/**
 * Who may call an admin operation, after the user guard found an active caller: the permission table allows the
 * caller's role this method on this operation's canonical path (the same rule the gateway authorizer applies, so
 * a call that reaches the server without a gateway gets the same answer), then the abilities file grants the role
 * the operation's ability. Both read the caller's current role, loaded with the user on every call, so a demoted
 * admin loses access at once. Anything missing fails closed with 401.
 * The gateway authorizer records denials as admin activities for the calls it forwards (Bearer tokens); a call
 * with the session cookie came without it, so this guard records its denial. Allowed writes are recorded by the
 * admin API itself (src/domain/admin/admin-actor.ts).
 */
import type { Request, RequestHandler } from 'express';
import { unauthorized } from '../../errors/app-error.js';
import type { Ability, Abilities } from '../../domain/admin/abilities.js';
import type { PermissionDecision } from '../../domain/authz/permissions.js';
import type { AdminActivityLog } from '../../domain/authz/admin-activity-log.js';
import { requestContext } from './auth-context.js';

export interface AdminGuardDeps {
  policy: { permissionFor(role: string, method: string, path: string): PermissionDecision };
  abilities: () => Abilities;
  activities: Pick<AdminActivityLog, 'record'>;
}

/**
 * The operation's own spelling of the request path, without a leading slash as permission rows are written:
 * `api/v2/barong/admin/users/ID123`, whichever base or encoding the client used.
 */
export function canonicalPath(base: string, template: string, req: Request): string {
  const params = req.params as Record<string, string>;
  const path = template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
  return `${base}${path}`.replace(/^\/+/, '');
}

export function adminGuard(d: AdminGuardDeps) {
  return (ability: Ability, base: string, template: string): RequestHandler =>
    (req, _res, next) => {
      const user = req.auth?.user;
      if (!user) throw unauthorized('jwt.decode_and_verify');
      const path = canonicalPath(base, template, req);
      const decision = d.policy.permissionFor(user.role, req.method, path);
      if (!decision.allowed) {
        if (req.auth?.session) {
          const { ip, userAgent } = requestContext(req);
          d.activities.record({
            userId: user.id,
            ip,
            userAgent,
            method: req.method,
            path,
            params: { ...(req.query as object) },
            audit: decision.audit,
          });
        }
        throw unauthorized('authz.invalid_permission');
      }
      if (!d.abilities().can(user.role, ability)) throw unauthorized('admin.ability.not_permitted');
      next();
    };
}
