/** Admin API: users (lists, one user, state / 2FA / e-mail, role, erasure, users with pending documents). */
import type { Encryptor } from '../../lib/encryptor.js';
import type { AdminUserDirectory, UserSearch } from '../../domain/admin/admin-user-directory.js';
import type { AdminUserChanges, UserChange } from '../../domain/admin/admin-user-changes.js';
import type { AccountErasure } from '../../domain/admin/account-erasure.js';
import { unprocessable } from '../../errors/app-error.js';
import { presentUser, presentUserWithProfiles } from '../presenters/admin-user-presenter.js';
import type { UserKycPresenter } from '../presenters/user-kyc-presenter.js';
import type { Handler, QueryOf } from '../types.js';
import { adminActor } from './admin-request.js';
import { pagingHeaders } from './paging.js';

export interface UsersRouteDeps {
  encryptor: Encryptor;
  kycPresenter: UserKycPresenter;
  userDirectory: AdminUserDirectory;
  userChanges: AdminUserChanges;
  accountErasure: AccountErasure;
}

type SearchQuery = QueryOf<'adminListUsers'> | QueryOf<'adminListUsersWithPendingDocuments'>;

function searchOf(q: SearchQuery): UserSearch {
  const { uid, email, role, level, state, country, range, from, to, page, limit } = q;
  const order = 'order_by' in q ? { orderBy: q.order_by, ordering: q.ordering } : {};
  return { uid, email, role, level, state, country, range, from, to, page, limit, ...order };
}

interface ChangeFields {
  state?: string;
  otp?: boolean;
  email?: string;
}

/** Barong's `exactly_one_of`: checked once the contract's own checks passed. */
function oneChange(
  body: ChangeFields,
  fields: (keyof ChangeFields)[],
  refusal: 'admin.user.one_of_state_otp' | 'admin.user.one_of_state_otp_email',
): UserChange {
  const given = fields.filter((f) => body[f] !== undefined);
  if (given.length !== 1) throw unprocessable(refusal);
  if (body.state !== undefined) return { state: body.state };
  if (body.otp !== undefined) return { otp: body.otp };
  return { email: body.email! };
}

export function createUsersHandlers(d: UsersRouteDeps) {
  const kyc = d.kycPresenter;

  const adminListUsers: Handler<'adminListUsers'> = async (req) => {
    const search = searchOf(req.query);
    if (req.query.extended) {
      const page = await d.userDirectory.listWithProfiles(adminActor(req), search, { ...req.query });
      const body = page.items.map(({ user, referralUid, profiles }) =>
        presentUserWithProfiles(user, referralUid, profiles, d.encryptor),
      );
      return { status: 200, body, headers: pagingHeaders(page) };
    }
    const page = await d.userDirectory.list(search);
    return {
      status: 200,
      body: page.items.map(({ user, referralUid }) => presentUser(user, referralUid)),
      headers: pagingHeaders(page),
    };
  };

  const adminListUsersWithPendingDocuments: Handler<'adminListUsersWithPendingDocuments'> = async (req) => {
    const search = searchOf(req.query);
    if (req.query.extended) {
      const page = await d.userDirectory.pendingWithKyc(adminActor(req), search, { ...req.query });
      return { status: 200, body: page.items.map((k) => kyc.present(k)), headers: pagingHeaders(page) };
    }
    const page = await d.userDirectory.pending(search);
    return {
      status: 200,
      body: page.items.map(({ user, referralUid }) => presentUser(user, referralUid)),
      headers: pagingHeaders(page),
    };
  };

  const adminGetUser: Handler<'adminGetUser'> = async (req) => {
    return { status: 200, body: kyc.present(await d.userDirectory.get(adminActor(req), req.params.uid)) };
  };

  const adminUpdateUser: Handler<'adminUpdateUser'> = async (req) => {
    const change = oneChange(req.body, ['state', 'otp', 'email'], 'admin.user.one_of_state_otp_email');
    await d.userChanges.update(adminActor(req), req.body.uid, change, { ...req.body });
    return { status: 200, body: {} };
  };

  const adminUpdateUserLegacy: Handler<'adminUpdateUserLegacy'> = async (req) => {
    const change = oneChange(req.body, ['state', 'otp'], 'admin.user.one_of_state_otp');
    await d.userChanges.update(adminActor(req), req.body.uid, change, { ...req.body });
    return { status: 200, body: {} };
  };

  const adminUpdateUserRole: Handler<'adminUpdateUserRole'> = async (req) => {
    await d.userChanges.setRole(adminActor(req), req.body.uid, req.body.role, { ...req.body });
    return { status: 200, body: {} };
  };

  const adminEraseUser: Handler<'adminEraseUser'> = async (req) => {
    await d.accountErasure.erase(adminActor(req), req.body.uid);
    return { status: 200, body: {} };
  };

  return {
    adminEraseUser,
    adminListUsers,
    adminListUsersWithPendingDocuments,
    adminGetUser,
    adminUpdateUser,
    adminUpdateUserLegacy,
    adminUpdateUserRole,
  };
}
