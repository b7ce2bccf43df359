/** Management API routes. Phones and documents. */
import { NOT_IMPLEMENTED, management, type RouteTable } from '../types.js';

type KycOperations =
  | 'managementGetPhones'
  | 'managementCreatePhone'
  | 'managementDeletePhone'
  | 'managementUploadDocument';

export function kycManagementRoutes(): Pick<RouteTable, KycOperations> {
  return {
    managementGetPhones: { access: management('read_phones'), handler: NOT_IMPLEMENTED }, // POST /phones/get
    managementCreatePhone: { access: management('write_phones'), handler: NOT_IMPLEMENTED }, // POST /phones
    managementDeletePhone: { access: management('write_phones'), handler: NOT_IMPLEMENTED }, // POST /phones/delete
    managementUploadDocument: { access: management('write_documents'), handler: NOT_IMPLEMENTED }, // POST /documents
  };
}
