/** Management API routes. Labels. */
import { management, type RouteTable } from '../types.js';
import { createManagementLabelsHandlers, type ManagementLabelsRouteDeps } from './labels-handlers.js';

type LabelsOperations =
  | 'managementFilterUsersByLabel'
  | 'managementListLabels'
  | 'managementCreateLabel'
  | 'managementUpdateLabel'
  | 'managementDeleteLabel';

export function labelsManagementRoutes(d: ManagementLabelsRouteDeps): Pick<RouteTable, LabelsOperations> {
  const h = createManagementLabelsHandlers(d);
  return {
    managementFilterUsersByLabel: { access: management('read_users'), handler: h.managementFilterUsersByLabel }, // POST /labels/filter/users
    managementListLabels: { access: management('read_labels'), handler: h.managementListLabels }, // POST /labels/list
    managementCreateLabel: { access: management('write_labels'), handler: h.managementCreateLabel }, // POST /labels
    managementUpdateLabel: { access: management('write_labels'), handler: h.managementUpdateLabel }, // PUT /labels
    managementDeleteLabel: { access: management('write_labels'), handler: h.managementDeleteLabel }, // POST /labels/delete
  };
}
