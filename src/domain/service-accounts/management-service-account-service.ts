/**
 * Service accounts as the exchange's own services manage them (the management API): found by uid or e-mail,
 * listed, created with or without an owner, given a new owner, disabled. Barong's model rules: an account with an
 * owner takes the owner's level and state (over any given), and its e-mail defaults from the owner's; the role must
 * have permissions; e-mail and uid may belong to no user and to no other account. Disabling deactivates the
 * account's keys; every change reaches the gateway authorizer's records.
 */
import { UniqueViolation } from '../../db/db-errors.js';
import type { Repositories } from '../../db/repositories/index.js';
import type { Page, PageRequest } from '../../db/repositories/paging.js';
import type { ServiceAccount } from '../../db/repositories/service-accounts-repository.js';
import type { User } from '../../db/repositories/users-repository.js';
import { notFound, unprocessable } from '../../errors/app-error.js';
import type { ErrorKey } from '../../errors/error-keys.js';
import { newUid } from '../accounts/uid.js';
import { emailErrors } from '../accounts/user-rules.js';
import { SERVICE_ACCOUNT_CHANGED } from '../authz/authorizer-invalidation.js';
import { ManagementRefusal } from '../management/signed-request.js';
import type { UnitOfWork, Work } from '../unit-of-work.js';
import { defaultEmail, SERVICE_ACCOUNT_UID_PREFIX } from './service-account-service.js';

/** An account with its owner (and the owner's referrer, for the User entity), if it has one. */
export interface OwnedServiceAccount {
  account: ServiceAccount;
  owner?: { user: User; referralUid: string | null };
}

export interface ServiceAccountSpec {
  role: string;
  /** A uid that names no user is no owner, as in Barong. */
  ownerUid?: string;
  uid?: string;
  email?: string;
  state?: string;
  level?: number;
}

export class ManagementServiceAccountService {
  constructor(private readonly uow: UnitOfWork) {}

  async find(by: { uid: string } | { email: string }): Promise<OwnedServiceAccount> {
    const repos = this.uow.repos;
    const account =
      'uid' in by ? await repos.serviceAccounts.findByUid(by.uid) : await repos.serviceAccounts.findByEmail(by.email);
    if (!account) throw notFound();
    return owned(repos, account);
  }

  /** The accounts of the user `owner` names (by uid, else e-mail). Barong parity: naming nobody filters nothing. */
  async list(owner: { uid?: string; email?: string }, page: PageRequest): Promise<Page<OwnedServiceAccount>> {
    const repos = this.uow.repos;
    const user =
      (owner.uid && (await repos.users.findByUid(owner.uid))) ||
      (owner.email && (await repos.users.findByEmail(owner.email))) ||
      undefined;
    const { items, total } = await repos.serviceAccounts.page(user?.id, page);
    return { items: await Promise.all(items.map((account) => owned(repos, account))), total };
  }

  async create(spec: ServiceAccountSpec): Promise<OwnedServiceAccount> {
    try {
      return await this.uow.run(async (w) => {
        const owner = spec.ownerUid ? await w.repos.users.findByUid(spec.ownerUid) : undefined;
        const uid = spec.uid?.trim() || (await newUid(w.repos, SERVICE_ACCOUNT_UID_PREFIX));
        const email = spec.email?.trim() || (owner ? defaultEmail(owner, uid) : '');
        const errors = await creationErrors(w.repos, spec.role, uid, email);
        if (errors.length) throw unprocessable(errors);
        const account = await w.repos.serviceAccounts.insert({
          uid,
          ownerId: owner?.id ?? null,
          email,
          role: spec.role,
          level: owner?.level ?? spec.level ?? 0,
          state: owner?.state ?? spec.state ?? 'pending',
        });
        return owned(w.repos, account);
      });
    } catch (err) {
      // A concurrent creation won the race that the checks above lost.
      if (err instanceof UniqueViolation)
        throw unprocessable(err.columns.includes('uid') ? 'uid.taken' : 'email.taken');
      throw err;
    }
  }

  /** A new owner, whose level and state the account takes; an unknown or absent one changes nothing (Barong). */
  async changeOwner(uid: string, ownerUid: string | undefined): Promise<OwnedServiceAccount> {
    return this.uow.run(async (w) => {
      const account = await w.repos.serviceAccounts.findByUid(uid);
      if (!account) throw new ManagementRefusal(422, 'Service account doesnt exist');
      const owner = ownerUid ? await w.repos.users.findByUid(ownerUid) : undefined;
      if (!owner) return owned(w.repos, account);
      const updated = await w.repos.serviceAccounts.update(account.id, {
        ownerId: owner.id,
        level: owner.level,
        state: owner.state,
      });
      announce(w, updated, []);
      return owned(w.repos, updated);
    });
  }

  /** Barong's delete: the account stays, `disabled`, and its active keys become inactive. */
  async disable(uid: string): Promise<OwnedServiceAccount> {
    return this.uow.run(async (w) => {
      const account = await w.repos.serviceAccounts.findByUid(uid);
      if (!account) throw notFound();
      const kids = await w.repos.apiKeys.deactivateAllOf({ type: 'ServiceAccount', id: account.id });
      const updated = await w.repos.serviceAccounts.update(account.id, { state: 'disabled' });
      announce(w, updated, kids);
      return owned(w.repos, updated);
    });
  }
}

/** Barong's model checks, in its order. */
async function creationErrors(repos: Repositories, role: string, uid: string, email: string): Promise<ErrorKey[]> {
  const [roleExists, userWithEmail, userWithUid, accountWithEmail, accountWithUid] = await Promise.all([
    repos.permissions.roleExists(role),
    email ? repos.users.findByEmail(email) : undefined,
    repos.users.findByUid(uid),
    email ? repos.serviceAccounts.findByEmail(email) : undefined,
    repos.serviceAccounts.findByUid(uid),
  ]);
  const errors: ErrorKey[] = [];
  if (!roleExists) errors.push('role.doesnt_exist');
  if (userWithEmail || userWithUid) errors.push('email_or_uid.not_uniq');
  errors.push(...emailErrors(email));
  if (accountWithEmail) errors.push('email.taken');
  if (accountWithUid) errors.push('uid.taken');
  return errors;
}

async function owned(repos: Repositories, account: ServiceAccount): Promise<OwnedServiceAccount> {
  const user = account.ownerId === null ? undefined : await repos.users.findById(account.ownerId);
  return user ? { account, owner: { user, referralUid: await repos.users.uidOf(user.referralId) } } : { account };
}

function announce(w: Work, account: ServiceAccount, kids: string[]): void {
  w.emit(SERVICE_ACCOUNT_CHANGED, { uid: account.uid, kids });
}
