/** Management API routes. Service accounts and API keys. */
import { NOT_IMPLEMENTED, management, type RouteTable } from '../types.js';

type AccountsOperations =
  | 'managementGetServiceAccount'
  | 'managementListServiceAccounts'
  | 'managementCreateServiceAccount'
  | 'managementUpdateServiceAccount'
  | 'managementDeleteServiceAccount'
  | 'managementCreateApiKey'
  | 'managementUpdateApiKey';

export function accountsManagementRoutes(): Pick<RouteTable, AccountsOperations> {
  return {
    managementGetServiceAccount: { access: management('read_service_accounts'), handler: NOT_IMPLEMENTED }, // POST /service_accounts/get
    managementListServiceAccounts: { access: management('read_service_accounts'), handler: NOT_IMPLEMENTED }, // POST /service_accounts/list
    managementCreateServiceAccount: { access: management('write_service_accounts'), handler: NOT_IMPLEMENTED }, // POST /service_accounts/create
    managementUpdateServiceAccount: { access: management('write_service_accounts'), handler: NOT_IMPLEMENTED }, // POST /service_accounts/update
    managementDeleteServiceAccount: { access: management('write_service_accounts'), handler: NOT_IMPLEMENTED }, // POST /service_accounts/delete
    managementCreateApiKey: { access: management('write_apikeys'), handler: NOT_IMPLEMENTED }, // POST /api_keys
    managementUpdateApiKey: { access: management('write_apikeys'), handler: NOT_IMPLEMENTED }, // POST /api_keys/update
  };
}
