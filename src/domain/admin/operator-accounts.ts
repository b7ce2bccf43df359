/**
 * What an operator changes on accounts from the server's shell: the first superadmin, a user's role, a user's
 * state. Each change is one transaction with its admin activity (naming the OS user and the command), made the way
 * the admin API makes it: the user's row locked, written and announced by changeAccount, so leaving `active`
 * deactivates the API keys and moves the service accounts, a state that may not sign in holds over later label
 * changes, and, once committed, ends every session of the user. The shell is trusted as a superadmin is; the
 * admin API's protections between admins (nobody changes themselves, only a superadmin changes a superadmin)
 * have no operator account to apply to.
 */
import type { Config } from '../../config/index.js';
import type { NewUser, User } from '../../db/repositories/users-repository.js';
import type { PasswordHasher } from '../password-hasher.js';
import type { PasswordPolicy } from '../password-policy.js';
import type { PrivateLabels } from '../labels/private-labels.js';
import type { SessionStore } from '../sessions/session-store.js';
import type { UnitOfWork, Work } from '../unit-of-work.js';
import { adminHold, SIGN_IN_STATES } from '../accounts/account-state.js';
import { changeAccount } from '../accounts/account-change.js';
import { eventUser, userLanguage } from '../accounts/event-user.js';
import { EMAIL_VERIFIED } from '../accounts/registration-service.js';
import { emailErrors, passwordErrors } from '../accounts/user-rules.js';
import { newUid } from '../accounts/uid.js';
import { UniqueViolation } from '../../db/db-errors.js';
import { recordAdminActivity, type CliActor } from './admin-actor.js';

/** A change the operator asked for that cannot be made; its message is for the operator's terminal. */
export class OperatorRefusal extends Error {}

/** What the CLI reports: the account after the command, and whether the command changed it. */
export interface AccountOutcome {
  user: User;
  changed: boolean;
}

export interface OperatorAccountsDeps {
  config: Config;
  uow: UnitOfWork;
  hasher: PasswordHasher;
  passwordPolicy: PasswordPolicy;
  privateLabels: PrivateLabels;
  sessions: Pick<SessionStore, 'destroyAllOf'>;
}

const SUPERADMIN = 'superadmin';
const STATE = /^[a-z][a-z_]{0,29}$/;

/** Inserts a user and announces it as sign-up does (`model.user.created`); a uid is drawn when none is given. */
export async function insertUser(w: Work, config: Config, row: Omit<NewUser, 'uid'> & { uid?: string }): Promise<User> {
  const uid = row.uid ?? (await newUid(w.repos, config.app.uidPrefix));
  const user = await w.repos.users.insert({ ...row, uid });
  w.emit('model.user.created', { record: eventUser(user, null) }, { email: user.email, language: userLanguage(user) });
  return user;
}

export class OperatorAccounts {
  constructor(private readonly d: OperatorAccountsDeps) {}

  /** Works on an empty database; refused when the e-mail belongs to somebody, or fails the sign-up rules. */
  async createSuperadmin(actor: CliActor, email: string, password: string): Promise<User> {
    const address = email.trim();
    const invalid = [...emailErrors(address), ...(await passwordErrors(this.d.passwordPolicy, password, [address]))];
    if (invalid.length) throw new OperatorRefusal(`refused: ${invalid.join(', ')}`);
    const taken = () => new OperatorRefusal(`a user with the e-mail ${address} exists`);
    if (await this.d.uow.repos.users.findByEmail(address)) throw taken();
    const passwordDigest = await this.d.hasher.hash(password);
    try {
      return await this.d.uow.run(async (w) => {
        const created = await insertUser(w, this.d.config, {
          email: address,
          passwordDigest,
          role: SUPERADMIN,
          state: 'pending',
          level: 0,
        });
        // The e-mail label gives the level and state of a confirmed sign-up; an operator's admin is active even
        // where activation asks for more.
        let user = await this.d.privateLabels.set(w, created, ...EMAIL_VERIFIED, { by: 'admin' });
        if (user.state !== 'active') user = await changeAccount(w, user, { state: 'active' });
        const params = { email: address, role: SUPERADMIN };
        await recordAdminActivity(w, actor, { topic: 'users', action: 'create', targetUid: user.uid, params });
        return user;
      });
    } catch (err) {
      // Another operator's command committed the same address in between.
      if (err instanceof UniqueViolation && err.columns.includes('email_key')) throw taken();
      throw err;
    }
  }

  /** The role must exist: some permission names it. */
  async setRole(actor: CliActor, uid: string, role: string): Promise<AccountOutcome> {
    return this.change(actor, uid, { role }, async (w, target) => {
      if (!(await w.repos.permissions.roleExists(role)))
        throw new OperatorRefusal(`no permission names the role ${role}`);
      return target.role === role ? undefined : changeAccount(w, target, { role });
    });
  }

  async setState(actor: CliActor, uid: string, state: string): Promise<AccountOutcome> {
    if (!STATE.test(state))
      throw new OperatorRefusal(`invalid state ${JSON.stringify(state)}: lower-case letters and _`);
    const outcome = await this.change(actor, uid, { state }, (w, target) =>
      target.state === state
        ? Promise.resolve(undefined)
        : changeAccount(w, target, { state, adminState: adminHold(state) }),
    );
    if (outcome.changed && !SIGN_IN_STATES.has(state)) await this.d.sessions.destroyAllOf(uid);
    return outcome;
  }

  /** The user under its row lock; `apply` answers undefined when nothing needs changing (then nothing is recorded). */
  private async change(
    actor: CliActor,
    uid: string,
    params: Record<string, unknown>,
    apply: (w: Work, target: User) => Promise<User | undefined>,
  ): Promise<AccountOutcome> {
    return this.d.uow.run(async (w) => {
      const found = await w.repos.users.findByUid(uid);
      if (!found) throw new OperatorRefusal(`no user with uid ${uid}`);
      await w.repos.users.lockRow(found.id);
      const target = (await w.repos.users.findById(found.id))!;
      const updated = await apply(w, target);
      if (!updated) return { user: target, changed: false };
      await recordAdminActivity(w, actor, { topic: 'users', action: 'update', targetUid: uid, params });
      return { user: updated, changed: true };
    });
  }
}
