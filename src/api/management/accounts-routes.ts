/** Management API routes. Service accounts and API keys. */
import { management, type RouteTable } from '../types.js';
import { createAccountsManagementHandlers, type AccountsManagementDeps } from './accounts-handlers.js';

type AccountsOperations =
  | 'managementGetServiceAccount'
  | 'managementListServiceAccounts'
  | 'managementCreateServiceAccount'
  | 'managementUpdateServiceAccount'
  | 'managementDeleteServiceAccount'
  | 'managementCreateApiKey'
  | 'managementUpdateApiKey';

export function accountsManagementRoutes(d: AccountsManagementDeps): Pick<RouteTable, AccountsOperations> {
  const h = createAccountsManagementHandlers(d);
  return {
    managementGetServiceAccount: {
      access: management('read_service_accounts'),
      handler: h.managementGetServiceAccount,
    }, // POST /service_accounts/get
    managementListServiceAccounts: {
      access: management('read_service_accounts'),
      handler: h.managementListServiceAccounts,
    }, // POST /service_accounts/list
    managementCreateServiceAccount: {
      access: management('write_service_accounts'),
      handler: h.managementCreateServiceAccount,
    }, // POST /service_accounts/create
    managementUpdateServiceAccount: {
      access: management('write_service_accounts'),
      handler: h.managementUpdateServiceAccount,
    }, // POST /service_accounts/update
    managementDeleteServiceAccount: {
      access: management('write_service_accounts'),
      handler: h.managementDeleteServiceAccount,
    }, // POST /service_accounts/delete
    managementCreateApiKey: { access: management('write_apikeys'), handler: h.managementCreateApiKey }, // POST /api_keys
    managementUpdateApiKey: { access: management('write_apikeys'), handler: h.managementUpdateApiKey }, // POST /api_keys/update
  };
}
