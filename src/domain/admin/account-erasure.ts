/**
 * Erasing a user (`npm run cli -- users erase <uid>`, the admin API's POST /users/erase): their personal data and
 * stored files go, their uid stays (Peatio keys its accounts on it) and so does the audit trail (activities).
 *
 * What goes, in one transaction under the user's row lock: profiles, phones and documents (with their blind
 * indexes), data storages, admins' comments about the user, API keys of the user and their service accounts,
 * label descriptions; the users row keeps id, uid, role, level and referrer, and gets a tombstone e-mail
 * (`erased+<uid>@invalid`: unique, deliverable nowhere), no username or data, a password digest nothing matches,
 * 2FA off without a secret, and the state `deleted`, held over labels as an admin's state is. Service accounts keep
 * their uid with a tombstone e-mail and the state `deleted`. Announced as `model.user.updated` (the previous e-mail
 * is not repeated in `changes`). After the commit every session ends and the files are deleted; a file the storage
 * refuses stays named in an outbox command the worker retries (erased-files.ts).
 *
 * Refused while the anti-money-laundering hold lasts: `BARONG_ERASURE_HOLD_DAYS` after the user's last own
 * activity (or their sign-up, when none is left).
 */
import type { Logger } from '../../lib/logger.js';
import type { FileStorage } from '../../lib/storage/file-storage.js';
import type { User } from '../../db/repositories/users-repository.js';
import { tombstoneEmail, type ErasedRecords } from '../../db/repositories/personal-data-repository.js';
import { notFound, unprocessable } from '../../errors/app-error.js';
import type { UnitOfWork, Work } from '../unit-of-work.js';
import type { SessionStore } from '../sessions/session-store.js';
import { API_KEY_CHANGED, SERVICE_ACCOUNT_CHANGED } from '../authz/authorizer-invalidation.js';
import { recordAdminActivity, type AdminActor, type CliActor } from './admin-actor.js';
import { assertMayChange } from './target-protections.js';
import { eventUser } from '../accounts/event-user.js';
import { deleteStoredFiles, ERASED_FILES } from './erased-files.js';

export interface AccountErasureDeps {
  uow: UnitOfWork;
  storage: FileStorage;
  sessions: Pick<SessionStore, 'destroyAllOf'>;
  logger: Logger;
  /** BARONG_ERASURE_HOLD_DAYS; 0: no hold. */
  holdDays: number;
}

export interface ErasureOutcome {
  user: User;
  records: Omit<ErasedRecords, 'files' | 'kids' | 'serviceAccountUids'>;
  files: number;
  /** Files the storage refused just now: the worker retries them. */
  filesLeft: number;
}

export const ERASED_STATE = 'deleted';
/** Not a digest of any scheme the hasher knows: every password is wrong (password-hasher.ts). */
const UNUSABLE_DIGEST = '!erased';
const DAY_MS = 86_400_000;

function counted(e: ErasedRecords): ErasureOutcome['records'] {
  const { profiles, phones, documents, dataStorages, comments, apiKeys, serviceAccounts } = e;
  return { profiles, phones, documents, dataStorages, comments, apiKeys, serviceAccounts };
}

export class AccountErasure {
  constructor(private readonly d: AccountErasureDeps) {}

  async erase(actor: AdminActor | CliActor, uid: string): Promise<ErasureOutcome> {
    const { user, records, files } = await this.d.uow.run(async (w) => {
      const found = await w.repos.users.findByUid(uid);
      if (!found) throw notFound('admin.user.doesnt_exist');
      await w.repos.users.lockRow(found.id);
      const target = (await w.repos.users.findById(found.id))!;
      if ('user' in actor) assertMayChange(actor.user, target);
      await this.assertNoHold(w, target);
      const erased = await w.repos.personalData.eraseOf(target.id);
      const updated = await this.blankUser(w, target);
      await this.announce(w, target, updated, erased);
      await recordAdminActivity(w, actor, { topic: 'users', action: 'delete', targetUid: uid, params: { uid } });
      return { user: updated, records: counted(erased), files: erased.files };
    });
    await this.d.sessions.destroyAllOf(uid);
    const left = await deleteStoredFiles(this.d.storage, files);
    if (left.length)
      this.d.logger.warn(
        { uid, files: files.length, left: left.length },
        'erasure: files left for the worker to delete',
      );
    return { user, records, files: files.length, filesLeft: left.length };
  }

  private async assertNoHold(w: Work, user: User): Promise<void> {
    if (!this.d.holdDays) return;
    const last = (await w.repos.activities.lastOf(user.id)) ?? user.createdAt;
    if (last.getTime() > Date.now() - this.d.holdDays * DAY_MS) throw unprocessable('admin.user.erasure_on_hold');
  }

  private async blankUser(w: Work, user: User): Promise<User> {
    await w.repos.users.update(user.id, {
      email: tombstoneEmail(user.uid),
      username: null,
      passwordDigest: UNUSABLE_DIGEST,
      data: null,
      otp: false,
      otpSecretEncrypted: null,
      otpLastStep: null,
      otpVaultKey: null,
      state: ERASED_STATE,
      adminState: ERASED_STATE,
    });
    return (await w.repos.users.findById(user.id))!;
  }

  /** Barong's event of a changed user, and the gateway authorizer's signals for the keys and accounts that changed. */
  private async announce(w: Work, before: User, after: User, erased: ErasedRecords): Promise<void> {
    const changes: Record<string, unknown> = {};
    // Barong's `changes` holds previous values: the state and 2FA, never the erased e-mail or username.
    for (const field of ['state', 'otp'] as const) if (after[field] !== before[field]) changes[field] = before[field];
    const referralUid = await w.repos.users.uidOf(after.referralId);
    w.emit(
      'model.user.updated',
      { record: eventUser(after, referralUid), changes },
      { email: after.email, language: null },
    );
    for (const kid of erased.kids) w.emit(API_KEY_CHANGED, { kid });
    for (const uid of erased.serviceAccountUids) w.emit(SERVICE_ACCOUNT_CHANGED, { uid, kids: [] });
    if (erased.files.length) w.emit(ERASED_FILES, { keys: erased.files });
  }
}
