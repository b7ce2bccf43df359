/**
 * Opens a session after a successful sign-in (login, sign-up, e-mail confirmation, Auth0): always a new id,
 * so a session id planted before login is worthless (no fixation); any session the request carried ends.
 */
import type { Request, Response } from 'express';
import type { User } from '../../db/repositories/users-repository.js';
import type { SessionStore } from '../../domain/sessions/session-store.js';
import type { AccountService } from '../../domain/accounts/account-service.js';
import type { UserPresenter, UserWithFullInfo } from '../presenters/user-presenter.js';
import type { SessionCookie } from '../auth/session-cookie.js';
import { requestContext } from '../auth/auth-context.js';

export class SessionOpener {
  constructor(
    private readonly sessions: SessionStore,
    private readonly cookie: SessionCookie,
    private readonly accounts: AccountService,
    private readonly presenter: UserPresenter,
  ) {}

  async open(req: Request, res: Response, user: User): Promise<UserWithFullInfo> {
    const ctx = requestContext(req);
    // The old session's end, the new one and the account's details touch different things: side by side.
    const [session, details] = await Promise.all([
      this.sessions.create(user.uid, ctx.ip, ctx.userAgent),
      this.accounts.freshDetails(user),
      this.endPrevious(req),
    ]);
    this.cookie.write(res, session.id);
    return this.presenter.fullInfo(details, session.csrfToken);
  }

  private async endPrevious(req: Request): Promise<void> {
    const previous = await this.sessions.get(this.cookie.read(req));
    if (previous) await this.sessions.destroy(previous);
  }
}
