/** Admin API routes. Labels on users. */
import { admin, type Handler, type RouteTable } from '../types.js';
import type { LabelsAdmin } from '../../domain/admin/labels-admin.js';
import type { LabelCount } from '../../db/repositories/labels-repository.js';
import { presentUser } from '../presenters/user-entity.js';
import { adminActor } from './admin-request.js';

export interface LabelsRouteDeps {
  labelsAdmin: LabelsAdmin;
}

type LabelsOperations =
  | 'adminCountLabels'
  | 'adminListUsersByLabel'
  | 'adminCreateUserLabel'
  | 'adminUpdateUserLabel'
  | 'adminUpsertUserLabel'
  | 'adminDeleteUserLabel';

/** Barong answers a Ruby hash keyed by `[key, value]` arrays, which its JSON writes as `["key", "value"]`. */
export function presentLabelCounts(counts: LabelCount[]): Record<string, number> {
  return Object.fromEntries(counts.map((c) => [`[${JSON.stringify(c.key)}, ${JSON.stringify(c.value)}]`, c.count]));
}

export function labelsRoutes(d: LabelsRouteDeps): Pick<RouteTable, LabelsOperations> {
  const labels = d.labelsAdmin;

  const adminCountLabels: Handler<'adminCountLabels'> = async () => ({
    status: 200,
    body: presentLabelCounts(await labels.counts()),
  });

  const adminListUsersByLabel: Handler<'adminListUsersByLabel'> = async (req) => {
    const page = req.query.page ?? 1;
    const limit = req.query.limit ?? 100;
    const { users, total } = await labels.holders(req.query.key, req.query.value, { page, limit });
    return {
      status: 200,
      body: users.map((u) => presentUser(u, u.referralUid)),
      headers: { Total: String(total), 'Per-Page': String(limit), Page: String(page) },
    };
  };

  const adminCreateUserLabel: Handler<'adminCreateUserLabel'> = async (req) => {
    await labels.create(adminActor(req), { ...req.body, scope: req.body.scope ?? 'public' });
    return { status: 200, body: {} };
  };

  const adminUpdateUserLabel: Handler<'adminUpdateUserLabel'> = async (req) => {
    await labels.update(adminActor(req), req.body);
    return { status: 200, body: {} };
  };

  const adminUpsertUserLabel: Handler<'adminUpsertUserLabel'> = async (req) => {
    const { replace, ...input } = req.body;
    await labels.upsert(adminActor(req), input, replace ?? true);
    return { status: 200, body: {} };
  };

  const adminDeleteUserLabel: Handler<'adminDeleteUserLabel'> = async (req) => {
    await labels.remove(adminActor(req), req.query);
    return { status: 200, body: {} };
  };

  return {
    adminCountLabels: { access: admin('read', 'User'), handler: adminCountLabels }, // GET /users/labels/list
    adminListUsersByLabel: { access: admin('read', 'User'), handler: adminListUsersByLabel }, // GET /users/labels
    adminCreateUserLabel: { access: admin('create', 'Label'), handler: adminCreateUserLabel }, // POST /users/labels
    adminUpdateUserLabel: { access: admin('update', 'Label'), handler: adminUpdateUserLabel }, // PUT /users/labels
    adminUpsertUserLabel: { access: admin('update', 'Label'), handler: adminUpsertUserLabel }, // POST /users/labels/update
    adminDeleteUserLabel: { access: admin('destroy', 'Label'), handler: adminDeleteUserLabel }, // DELETE /users/labels
  };
}
