/**
 * API keys as the exchange's services manage them (management API): a user's or a service account's, told apart
 * by the uid's prefix, each kind only where the configuration allows it (both off by default, as in Barong). Checks
 * in Barong's order, each 422 with its message: the prefix (`uid_prefix_doesnt_exist`), the setting
 * (`disabled_management_endpoint`), the holder (`user_doesnt_exist` / `service_account_doesnt_exist`), the key
 * (`api_key_doesnt_exist`); then the key rules of the user API, without 2FA.
 */
import type { KeyHolder } from '../../db/repositories/api-keys-repository.js';
import { ManagementRefusal } from '../management/signed-request.js';
import { SERVICE_ACCOUNT_UID_PREFIX } from '../service-accounts/service-account-service.js';
import type { UnitOfWork } from '../unit-of-work.js';
import type { ApiKeyService, KeyChange, NewKeyInput } from './api-key-service.js';

export interface ManagementApiKeyServiceDeps {
  uow: UnitOfWork;
  keys: ApiKeyService;
  uidPrefix: string;
  forUsers: boolean;
  forServiceAccounts: boolean;
}

const refuse = (message: string) => new ManagementRefusal(422, message);

export class ManagementApiKeyService {
  constructor(private readonly d: ManagementApiKeyServiceDeps) {}

  async create(uid: string, input: NewKeyInput) {
    return this.d.keys.createForService(await this.holder(uid), input);
  }

  async update(uid: string, kid: string, change: KeyChange) {
    return this.d.keys.updateForService(await this.holder(uid), kid, change, () => refuse('api_key_doesnt_exist'));
  }

  private async holder(uid: string): Promise<KeyHolder> {
    const repos = this.d.uow.repos;
    if (uid.startsWith(this.d.uidPrefix)) {
      if (!this.d.forUsers) throw refuse('disabled_management_endpoint');
      const user = await repos.users.findByUid(uid);
      if (!user) throw refuse('user_doesnt_exist');
      return { type: 'User', id: user.id };
    }
    if (uid.startsWith(SERVICE_ACCOUNT_UID_PREFIX)) {
      if (!this.d.forServiceAccounts) throw refuse('disabled_management_endpoint');
      const account = await repos.serviceAccounts.findByUid(uid);
      if (!account) throw refuse('service_account_doesnt_exist');
      return { type: 'ServiceAccount', id: account.id };
    }
    throw refuse('uid_prefix_doesnt_exist');
  }
}
