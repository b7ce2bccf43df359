/** Management API routes. Labels. */
import { NOT_IMPLEMENTED, management, type RouteTable } from '../types.js';

type LabelsOperations =
  | 'managementFilterUsersByLabel'
  | 'managementListLabels'
  | 'managementCreateLabel'
  | 'managementUpdateLabel'
  | 'managementDeleteLabel';

export function labelsManagementRoutes(): Pick<RouteTable, LabelsOperations> {
  return {
    managementFilterUsersByLabel: { access: management('read_users'), handler: NOT_IMPLEMENTED }, // POST /labels/filter/users
    managementListLabels: { access: management('read_labels'), handler: NOT_IMPLEMENTED }, // POST /labels/list
    managementCreateLabel: { access: management('write_labels'), handler: NOT_IMPLEMENTED }, // POST /labels
    managementUpdateLabel: { access: management('write_labels'), handler: NOT_IMPLEMENTED }, // PUT /labels
    managementDeleteLabel: { access: management('write_labels'), handler: NOT_IMPLEMENTED }, // POST /labels/delete
  };
}
