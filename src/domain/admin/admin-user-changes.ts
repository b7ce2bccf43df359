/**
 * What an admin changes on a user: the state, 2FA (off only), the e-mail (a superadmin only) and the role. Each
 * change is one transaction under the user's row lock, with its admin activity, announced as `model.user.updated`
 * (account-change.ts). A state that may not sign in is held over later label changes (account-state.ts) and, once
 * committed, ends every session of the user, as the user's own account deletion does; leaving `active` deactivates
 * the user's API keys and moves their service accounts, as any state change does.
 */
import type { User } from '../../db/repositories/users-repository.js';
import { UniqueViolation } from '../../db/db-errors.js';
import { notFound, unprocessable } from '../../errors/app-error.js';
import type { UnitOfWork, Work } from '../unit-of-work.js';
import type { PrivateLabels } from '../labels/private-labels.js';
import type { SessionStore } from '../sessions/session-store.js';
import { adminHold, SIGN_IN_STATES } from '../accounts/account-state.js';
import { changeAccount } from '../accounts/account-change.js';
import { emailErrors } from '../accounts/user-rules.js';
import { turnOtpOff } from '../otp/otp-service.js';
import { recordAdminActivity, type AdminActor } from './admin-actor.js';
import { assertMayChange, SUPERADMIN } from './target-protections.js';

export interface AdminUserChangesDeps {
  uow: UnitOfWork;
  privateLabels: PrivateLabels;
  sessions: Pick<SessionStore, 'destroyAllOf'>;
}

/** Exactly one of them (the API refuses anything else before it gets here). */
export type UserChange = { state: string } | { otp: boolean } | { email: string };

export class AdminUserChanges {
  constructor(private readonly d: AdminUserChangesDeps) {}

  /** Barong's checks after the protections: e-mail by a superadmin only, 2FA only off, then a value that differs. */
  async update(actor: AdminActor, uid: string, change: UserChange, params: Record<string, unknown>): Promise<void> {
    await this.changeTarget(actor, uid, params, async (w, target) => {
      if ('otp' in change) return this.turnOtpOff(w, target, change.otp);
      if ('email' in change) return this.changeEmail(w, actor, target, change.email);
      if (change.state === target.state) throw unprocessable('admin.user.state_no_change');
      await changeAccount(w, target, { state: change.state, adminState: adminHold(change.state) });
    });
    if ('state' in change && !SIGN_IN_STATES.has(change.state)) await this.d.sessions.destroyAllOf(uid);
  }

  /** Only a superadmin grants `superadmin`; the role must exist, i.e. have a permission. Service accounts keep theirs. */
  async setRole(actor: AdminActor, uid: string, role: string, params: Record<string, unknown>): Promise<void> {
    await this.changeTarget(actor, uid, params, async (w, target) => {
      if (role === target.role) throw unprocessable('admin.user.role_no_change');
      if (role === SUPERADMIN && actor.user.role !== SUPERADMIN) throw unprocessable('admin.user.superadmin_change');
      if (!(await w.repos.permissions.roleExists(role))) throw unprocessable('role.doesnt_exist');
      await changeAccount(w, target, { role });
    });
  }

  private async turnOtpOff(w: Work, target: User, otp: boolean): Promise<void> {
    if (otp) throw unprocessable('admin.user.enable_2fa');
    if (!target.otp) throw unprocessable('admin.user.otp_no_change');
    await turnOtpOff(w, this.d.privateLabels, target, { by: 'admin' });
  }

  private async changeEmail(w: Work, actor: AdminActor, target: User, email: string): Promise<void> {
    if (actor.user.role !== SUPERADMIN) throw unprocessable('superadmin.user.update_email');
    if (email === target.email) throw unprocessable('admin.user.email_no_change');
    const errors = emailErrors(email);
    if (errors.length) throw unprocessable(errors);
    const owner = await w.repos.users.findByEmail(email.trim());
    if (owner && owner.id !== target.id) throw unprocessable('email.taken');
    try {
      await changeAccount(w, target, { email: email.trim() });
    } catch (err) {
      if (err instanceof UniqueViolation && err.columns.includes('email_key')) throw unprocessable('email.taken');
      throw err;
    }
  }

  /** The target, read under its row lock, and the protections; then the change and its activity, in one transaction. */
  private changeTarget(
    actor: AdminActor,
    uid: string,
    params: Record<string, unknown>,
    change: (w: Work, target: User) => Promise<void>,
  ) {
    return this.d.uow.run(async (w) => {
      const found = await w.repos.users.findByUid(uid);
      if (!found) throw notFound('admin.user.doesnt_exist');
      await w.repos.users.lockRow(found.id);
      const target = (await w.repos.users.findById(found.id))!;
      assertMayChange(actor.user, target);
      await change(w, target);
      await recordAdminActivity(w, actor, { topic: 'users', action: 'update', targetUid: uid, params });
    });
  }
}
