/** Management API routes. Phones and documents. */
import { management, type RouteTable } from '../types.js';
import { createKycManagementHandlers, type KycManagementDeps } from './kyc-handlers.js';

type KycOperations =
  'managementGetPhones' | 'managementCreatePhone' | 'managementDeletePhone' | 'managementUploadDocument';

export function kycManagementRoutes(d: KycManagementDeps): Pick<RouteTable, KycOperations> {
  const h = createKycManagementHandlers(d);
  return {
    managementGetPhones: { access: management('read_phones'), handler: h.managementGetPhones }, // POST /phones/get
    managementCreatePhone: { access: management('write_phones'), handler: h.managementCreatePhone }, // POST /phones
    managementDeletePhone: { access: management('write_phones'), handler: h.managementDeletePhone }, // POST /phones/delete
    managementUploadDocument: { access: management('write_documents'), handler: h.managementUploadDocument }, // POST /documents
  };
}
