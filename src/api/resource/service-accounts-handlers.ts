/**
 * /resource/service_accounts: the signed-in user's service accounts and their API keys. A service
 * account that is not the caller's answers 404 `resource.service_account.doesnt_exist`, before any 2FA
 * check (Barong's order). Changes need the owner's 2FA and code.
 */
import type { components } from '../../generated/api.js';
import type { ServiceAccount } from '../../db/repositories/service-accounts-repository.js';
import type { User } from '../../db/repositories/users-repository.js';
import {
  SERVICE_ACCOUNT_KEY_ERRORS,
  type ApiKeyService,
  type KeyTarget,
} from '../../domain/api-keys/api-key-service.js';
import type { ServiceAccountService } from '../../domain/service-accounts/service-account-service.js';
import { isoSeconds } from '../presenters/format.js';
import { presentUser } from '../presenters/user-entity.js';
import type { Handler } from '../types.js';
import { currentUser } from './current-user.js';
import { keyPage, listKeys, presentApiKey } from './api-keys-handlers.js';

type Schemas = components['schemas'];

export interface ServiceAccountsHandlerDeps {
  apiKeyService: ApiKeyService;
  serviceAccountService: ServiceAccountService;
}

/**
 * The ServiceAccounts entity of the contract. (Barong's resource endpoint dumps the raw rows instead, owner_id
 * and all; the contract names this entity, so this is what it gets.) The management API's has no owner (null)
 * for an account without one.
 */
export function presentServiceAccount<O extends Schemas['API_V2_Entities_User'] | null>(a: ServiceAccount, owner: O) {
  return {
    email: a.email,
    uid: a.uid,
    role: a.role,
    level: a.level,
    state: a.state,
    user: owner,
    created_at: isoSeconds(a.createdAt),
    updated_at: isoSeconds(a.updatedAt),
  };
}

export function createServiceAccountsHandlers(d: ServiceAccountsHandlerDeps) {
  const target = async (owner: User, uid: string): Promise<KeyTarget> => {
    const account = await d.serviceAccountService.ofOwner(owner, uid);
    return { holder: { type: 'ServiceAccount', id: account.id }, owner, errors: SERVICE_ACCOUNT_KEY_ERRORS };
  };

  const listServiceAccounts: Handler<'listServiceAccounts'> = async (req) => {
    const owner = currentUser(req);
    const { accounts, ownerReferralUid } = await d.serviceAccountService.listOf(owner);
    const ownerEntity = presentUser(owner, ownerReferralUid);
    return { status: 200, body: accounts.map((a) => presentServiceAccount(a, ownerEntity)) };
  };

  const listServiceAccountApiKeys: Handler<'listServiceAccountApiKeys'> = async (req) => {
    const { holder } = await target(currentUser(req), req.query.service_account_uid);
    return listKeys(d.apiKeyService, holder, keyPage(req.query));
  };

  const createServiceAccountApiKey: Handler<'createServiceAccountApiKey'> = async (req) => {
    const { service_account_uid, algorithm, scope, totp_code } = req.body;
    const t = await target(currentUser(req), service_account_uid);
    const { key, secret } = await d.apiKeyService.create(t, { algorithm, scope, totpCode: totp_code });
    return { status: 201, body: presentApiKey(key, secret) };
  };

  const updateServiceAccountApiKey: Handler<'updateServiceAccountApiKey'> = async (req) => {
    const { service_account_uid, scope, state, totp_code } = req.body;
    const t = await target(currentUser(req), service_account_uid);
    const key = await d.apiKeyService.update(t, req.params.kid, { scope, state, totpCode: totp_code });
    return { status: 200, body: presentApiKey(key) };
  };

  const deleteServiceAccountApiKey: Handler<'deleteServiceAccountApiKey'> = async (req) => {
    const t = await target(currentUser(req), req.query.service_account_uid);
    await d.apiKeyService.delete(t, req.params.kid, req.query.totp_code);
    return { status: 204, body: undefined };
  };

  return {
    listServiceAccounts,
    listServiceAccountApiKeys,
    createServiceAccountApiKey,
    updateServiceAccountApiKey,
    deleteServiceAccountApiKey,
  };
}
