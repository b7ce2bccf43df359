/** Admin API: permissions, restrictions and whitelinks. The rules and the activity records are the services'. */
import type { components } from '../../generated/api.js';
import type { Permission } from '../../db/repositories/permissions-repository.js';
import type { Restriction } from '../../db/repositories/restrictions-repository.js';
import type { PermissionsAdmin } from '../../domain/authz/permissions-admin.js';
import type { RestrictionsAdmin } from '../../domain/authz/restrictions-admin.js';
import type { WhitelinkService } from '../../domain/authz/whitelink-service.js';
import { defaultRestrictionCode } from '../../domain/authz/restrictions.js';
import { isoSeconds } from '../presenters/format.js';
import type { Handler } from '../types.js';
import { adminActor, pageOf, pagedReply } from './admin-request.js';

type PermissionEntity = components['schemas']['API_V2_Entities_Permission'];
type RestrictionEntity = components['schemas']['API_V2_Entities_Restriction'];

export interface AccessRouteDeps {
  permissionsAdmin: PermissionsAdmin;
  restrictionsAdmin: RestrictionsAdmin;
  whitelink: WhitelinkService;
}

function presentPermission(p: Permission): PermissionEntity {
  const { id, action, role, verb, path, topic } = p;
  return {
    id,
    action,
    role,
    verb,
    path,
    topic,
    created_at: isoSeconds(p.createdAt),
    updated_at: isoSeconds(p.updatedAt),
  };
}

/** A row without a code of its own answers its default: the entity shows the code in force. */
function presentRestriction(r: Restriction): RestrictionEntity {
  const { id, category, scope, value, state } = r;
  const code = r.code ?? defaultRestrictionCode(category, scope);
  return {
    id,
    category,
    scope,
    value,
    code,
    state,
    created_at: isoSeconds(r.createdAt),
    updated_at: isoSeconds(r.updatedAt),
  };
}

const fromSeconds = (s: number | undefined) => (s === undefined ? undefined : new Date(s * 1000));

// Barong answers `status 200` with the body 200; the contract answers `{}`.
const done = { status: 200 as const, body: {} };

export function createAccessHandlers(d: AccessRouteDeps) {
  const adminListPermissions: Handler<'adminListPermissions'> = async (req) => {
    const page = pageOf(req.query);
    const { items, total } = await d.permissionsAdmin.list(page);
    return pagedReply(items.map(presentPermission), total, page);
  };

  const adminCreatePermission: Handler<'adminCreatePermission'> = async (req) => {
    const { role, verb, path, action, topic } = req.body;
    await d.permissionsAdmin.create({ role, verb, path, action, topic }, adminActor(req));
    return done;
  };

  const adminUpdatePermission: Handler<'adminUpdatePermission'> = async (req) => {
    const { id, role, verb, path, action, topic } = req.body;
    await d.permissionsAdmin.update(id, { role, verb, path, action, topic }, adminActor(req));
    return done;
  };

  const adminDeletePermission: Handler<'adminDeletePermission'> = async (req) => {
    await d.permissionsAdmin.delete(req.query.id, adminActor(req));
    return done;
  };

  const adminListRestrictions: Handler<'adminListRestrictions'> = async (req) => {
    const { scope, category, range, from, to } = req.query;
    const page = pageOf(req.query);
    const filter = { scope, category, range: range ?? 'created', from: fromSeconds(from), to: fromSeconds(to) };
    const { items, total } = await d.restrictionsAdmin.list(filter, page);
    return pagedReply(items.map(presentRestriction), total, page);
  };

  const adminCreateRestriction: Handler<'adminCreateRestriction'> = async (req) => {
    const { scope, value, category, state, code } = req.body;
    await d.restrictionsAdmin.create({ scope, value, category, state, code }, adminActor(req));
    return done;
  };

  const adminUpdateRestriction: Handler<'adminUpdateRestriction'> = async (req) => {
    const { id, scope, value, category, state, code } = req.body;
    await d.restrictionsAdmin.update(id, { scope, value, category, state, code }, adminActor(req));
    return done;
  };

  const adminDeleteRestriction: Handler<'adminDeleteRestriction'> = async (req) => {
    await d.restrictionsAdmin.delete(req.query.id, adminActor(req));
    return done;
  };

  // Barong takes the POST without a body: every parameter has a default.
  const adminCreateWhitelink: Handler<'adminCreateWhitelink'> = async (req) => {
    const { expire_time = 1, range = 'day' } = req.body ?? {};
    const token = await d.whitelink.issueFor(adminActor(req), { expireTime: expire_time, range });
    return { status: 201, body: { whitelink_token: token } };
  };

  return {
    adminListPermissions,
    adminCreatePermission,
    adminUpdatePermission,
    adminDeletePermission,
    adminListRestrictions,
    adminCreateRestriction,
    adminUpdateRestriction,
    adminDeleteRestriction,
    adminCreateWhitelink,
  };
}
