/**
 * Service accounts: machine identities owned by a user, acting only through API keys that the
 * owner manages (with the owner's 2FA). Their uid is `SI` + 10 upper-case hex, unique among users and service
 * accounts; their e-mail defaults to `<owner local part>+<uid>@<owner domain>`; they take the owner's state and
 * level when created, and the owner's state whenever the owner leaves `active` (see PrivateLabels.recompute).
 * The user API only lists them; they are created by operators (`npm run cli -- service-accounts create`) and tests.
 * A creation made by an admin or an operator (`by`) records its admin activity in the same transaction.
 */
import { notFound, unprocessable } from '../../errors/app-error.js';
import type { ServiceAccount } from '../../db/repositories/service-accounts-repository.js';
import type { User } from '../../db/repositories/users-repository.js';
import type { Repositories } from '../../db/repositories/index.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { newUid } from '../accounts/uid.js';
import { recordAdminActivity, type AdminActor, type CliActor } from '../admin/admin-actor.js';

export const SERVICE_ACCOUNT_UID_PREFIX = 'SI';
export const DEFAULT_SERVICE_ACCOUNT_ROLE = 'service_account';

export interface NewServiceAccountInput {
  role?: string;
  email?: string;
  state?: string;
  level?: number;
}

export function defaultEmail(owner: User, uid: string): string {
  const at = owner.email.lastIndexOf('@');
  return `${owner.email.slice(0, at)}+${uid}@${owner.email.slice(at + 1)}`;
}

/**
 * As in Barong, a user leaving `active` takes their keys and accounts along: every API key of the user and of
 * their service accounts becomes `inactive`, and the service accounts take the user's new state.
 */
export async function suspendKeysAndAccountsOf(repos: Repositories, ownerId: number, state: string): Promise<void> {
  await repos.apiKeys.deactivateAllOfOwner(ownerId);
  await repos.serviceAccounts.setStateOfOwner(ownerId, state);
}

export class ServiceAccountService {
  constructor(private readonly uow: UnitOfWork) {}

  /** The owner's service accounts, with the owner's referral uid for the User entity beside them. */
  async listOf(owner: User): Promise<{ accounts: ServiceAccount[]; ownerReferralUid: string | null }> {
    const repos = this.uow.repos;
    const [accounts, ownerReferralUid] = await Promise.all([
      repos.serviceAccounts.listByOwner(owner.id),
      repos.users.uidOf(owner.referralId),
    ]);
    return { accounts, ownerReferralUid };
  }

  /** One of the owner's service accounts; anybody else's answers 404 as an unknown one does. */
  async ofOwner(owner: User, uid: string): Promise<ServiceAccount> {
    const account = await this.uow.repos.serviceAccounts.findOfOwner(owner.id, uid);
    if (!account) throw notFound('resource.service_account.doesnt_exist');
    return account;
  }

  async create(owner: User, input: NewServiceAccountInput = {}, by?: AdminActor | CliActor): Promise<ServiceAccount> {
    return this.uow.run(async (w) => {
      const uid = await newUid(w.repos, SERVICE_ACCOUNT_UID_PREFIX);
      const email = input.email ?? defaultEmail(owner, uid);
      if (await w.repos.serviceAccounts.emailTaken(email)) throw unprocessable('email_or_uid.not_uniq');
      const account = await w.repos.serviceAccounts.insert({
        uid,
        ownerId: owner.id,
        email,
        role: input.role ?? DEFAULT_SERVICE_ACCOUNT_ROLE,
        level: input.level ?? owner.level,
        state: input.state ?? owner.state,
      });
      const params = { owner_uid: owner.uid, uid, email, role: account.role };
      if (by)
        await recordAdminActivity(w, by, { topic: 'service_accounts', action: 'create', targetUid: owner.uid, params });
      return account;
    });
  }
}
