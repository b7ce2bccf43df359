/** Management API handlers. Service accounts (with their owner) and API keys of users and service accounts. */
import type { ManagementApiKeyService } from '../../domain/api-keys/management-api-key-service.js';
import { ManagementRefusal } from '../../domain/management/signed-request.js';
import type {
  ManagementServiceAccountService,
  OwnedServiceAccount,
} from '../../domain/service-accounts/management-service-account-service.js';
import { presentApiKey } from '../resource/api-keys-handlers.js';
import { presentUser } from '../presenters/user-entity.js';
import { presentServiceAccount } from '../resource/service-accounts-handlers.js';
import type { Handler } from '../types.js';
import { withModelMessages } from './model-messages.js';

export interface AccountsManagementDeps {
  managementServiceAccounts: ManagementServiceAccountService;
  managementApiKeys: ManagementApiKeyService;
}

const present = ({ account, owner }: OwnedServiceAccount) =>
  presentServiceAccount(account, owner ? presentUser(owner.user, owner.referralUid) : null);

/** Grape's `exactly_one_of :uid, :email`. */
function exactlyOne(body: { uid?: string; email?: string }): { uid: string } | { email: string } {
  if (body.uid !== undefined && body.email !== undefined)
    throw new ManagementRefusal(422, 'uid, email are mutually exclusive');
  if (body.uid !== undefined) return { uid: body.uid };
  if (body.email !== undefined) return { email: body.email };
  throw new ManagementRefusal(422, 'uid, email are missing, exactly one parameter must be provided');
}

export function createAccountsManagementHandlers(d: AccountsManagementDeps) {
  const accounts = d.managementServiceAccounts;

  const managementGetServiceAccount: Handler<'managementGetServiceAccount'> = async (req) => ({
    status: 200,
    body: present(await accounts.find(exactlyOne(req.body))),
  });

  const managementListServiceAccounts: Handler<'managementListServiceAccounts'> = async (req) => {
    const { owner_uid, owner_email, page = 1, limit = 100 } = req.body;
    const { items, total } = await accounts.list({ uid: owner_uid, email: owner_email }, { page, limit });
    return {
      status: 200,
      body: items.map(present),
      headers: { Total: String(total), 'Per-Page': String(limit), Page: String(page) },
    };
  };

  const managementCreateServiceAccount: Handler<'managementCreateServiceAccount'> = async (req) => {
    const b = req.body;
    const spec = {
      role: b.service_account_role,
      ownerUid: b.owner_uid,
      uid: b.service_account_uid,
      email: b.service_account_email,
      state: b.service_account_state,
      level: b.service_account_level,
    };
    return { status: 201, body: present(await withModelMessages(() => accounts.create(spec))) };
  };

  const managementUpdateServiceAccount: Handler<'managementUpdateServiceAccount'> = async (req) => ({
    status: 201,
    body: present(await accounts.changeOwner(req.body.uid, req.body.owner_uid)),
  });

  const managementDeleteServiceAccount: Handler<'managementDeleteServiceAccount'> = async (req) => ({
    status: 200,
    body: present(await accounts.disable(req.body.uid)),
  });

  const managementCreateApiKey: Handler<'managementCreateApiKey'> = async (req) => {
    const { uid, algorithm, scopes } = req.body;
    const { key, secret } = await d.managementApiKeys.create(uid, { algorithm, scope: scopes });
    return { status: 201, body: presentApiKey(key, secret) };
  };

  const managementUpdateApiKey: Handler<'managementUpdateApiKey'> = async (req) => {
    const { uid, kid, scopes, state } = req.body;
    return { status: 201, body: presentApiKey(await d.managementApiKeys.update(uid, kid, { scope: scopes, state })) };
  };

  return {
    managementGetServiceAccount,
    managementListServiceAccounts,
    managementCreateServiceAccount,
    managementUpdateServiceAccount,
    managementDeleteServiceAccount,
    managementCreateApiKey,
    managementUpdateApiKey,
  };
}
