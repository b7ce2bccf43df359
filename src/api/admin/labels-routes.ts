/** Admin API routes. Labels on users. */
import { NOT_IMPLEMENTED, admin, type RouteTable } from '../types.js';

type LabelsOperations = 'adminCountLabels' | 'adminListUsersByLabel' | 'adminCreateUserLabel' | 'adminUpdateUserLabel' | 'adminUpsertUserLabel' | 'adminDeleteUserLabel';

export function labelsRoutes(): Pick<RouteTable, LabelsOperations> {
  return {
    adminCountLabels: { access: admin('read', 'User'), handler: NOT_IMPLEMENTED }, // GET /users/labels/list
    adminListUsersByLabel: { access: admin('read', 'User'), handler: NOT_IMPLEMENTED }, // GET /users/labels
    adminCreateUserLabel: { access: admin('create', 'Label'), handler: NOT_IMPLEMENTED }, // POST /users/labels
    adminUpdateUserLabel: { access: admin('update', 'Label'), handler: NOT_IMPLEMENTED }, // PUT /users/labels
    adminUpsertUserLabel: { access: admin('update', 'Label'), handler: NOT_IMPLEMENTED }, // POST /users/labels/update
    adminDeleteUserLabel: { access: admin('destroy', 'Label'), handler: NOT_IMPLEMENTED }, // DELETE /users/labels
  };
}
