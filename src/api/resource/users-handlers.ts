/** /resource/users: the signed-in user's account, password, activity history and self-deletion. */
import type { AccountService } from '../../domain/accounts/account-service.js';
import type { UserPresenter } from '../presenters/user-presenter.js';
import { presentActivity } from '../presenters/activity-presenter.js';
import { requestContext } from '../auth/auth-context.js';
import type { Handler } from '../types.js';
import { currentUser } from './current-user.js';

export interface UsersHandlerDeps {
  accounts: AccountService;
  presenter: UserPresenter;
}

const DEFAULT_LIMIT = 100;

export function createUsersHandlers(d: UsersHandlerDeps) {
  const getMe: Handler<'getMe'> = async (req) => {
    // Read with the user by the route's guard (readsAccount), in the same statement.
    const account = req.auth?.account ?? (await d.accounts.details(currentUser(req)));
    return { status: 200, body: d.presenter.fullInfo(account) };
  };

  const updateMe: Handler<'updateMe'> = async (req) => {
    const user = await d.accounts.updateData(currentUser(req), req.body.data);
    return { status: 200, body: d.presenter.fullInfo(await d.accounts.details(user)) };
  };

  const deleteMe: Handler<'deleteMe'> = async (req) => {
    await d.accounts.deleteSelf(currentUser(req), req.query.password, req.query.otp_code, requestContext(req));
    return { status: 204, body: undefined };
  };

  const changePassword: Handler<'changePassword'> = async (req) => {
    const { old_password, new_password, confirm_password } = req.body;
    await d.accounts.changePassword(
      currentUser(req),
      { oldPassword: old_password, newPassword: new_password, confirmPassword: confirm_password },
      requestContext(req),
      req.auth?.session?.id,
    );
    return { status: 201, body: {} };
  };

  const listActivity: Handler<'listActivity'> = async (req) => {
    const page = req.query.page ?? 1;
    const limit = req.query.limit ?? DEFAULT_LIMIT;
    const { total, items } = await d.accounts.activity(currentUser(req), {
      topic: req.params.topic,
      timeFrom: req.query.time_from,
      timeTo: req.query.time_to,
      result: req.query.result,
      page,
      limit,
    });
    return {
      status: 200,
      body: items.map(presentActivity),
      headers: { Total: String(total), 'Per-Page': String(limit), Page: String(page) },
    };
  };

  return { getMe, updateMe, deleteMe, changePassword, listActivity };
}
