/**
 * Writes private labels for the system's own flows (email verified, phone verified, otp enabled, …) and keeps
 * the user's level and state in step with them in the same transaction: on create, update and delete
 * (Barong misses deletes, #775). Events follow Barong: model.label.created/updated, model.user.updated.
 *
 * Verified stays verified for the user (docs/parity.md#verified-stays-verified):
 * a change a user's own request makes may
 * neither undo a `verified` label nor redo a verified KYC step (a second phone, a new profile, new documents);
 * it is refused with 422 `resource.<key>.already_verified`. Only a change made `{ by: 'admin' }` may do either.
 */
import type { User } from '../../db/repositories/users-repository.js';
import type { Label, LabelsRepository } from '../../db/repositories/labels-repository.js';
import { unprocessable } from '../../errors/app-error.js';
import type { Work } from '../unit-of-work.js';
import { computeLevel, computeState, type AccountRules } from '../accounts/account-state.js';
import { eventUser, userLanguage } from '../accounts/event-user.js';
import { changeAccount } from '../accounts/account-change.js';
import { alreadyVerifiedKey, type ErrorKey } from '../../errors/error-keys.js';

/** Who asks for a change: the user's own request (the default, so a new flow is held by the rule) or an admin. */
export interface LabelChange {
  by?: 'user' | 'admin';
  /** The label's new description (admins give one; null clears it); left as it is when undefined. */
  description?: string | null;
}

const VERIFIED = 'verified';
const DOCUMENT_REVIEWS = new Map([
  ['verified', 'system.document.verified'],
  ['rejected', 'system.document.rejected'],
]);
/** Steps whose verification an admin gives: once `verified`, the user cannot start them again. */
const KYC_STEPS = new Set(['phone', 'profile', 'document', 'address']);

/** Why a user may not move `key` from `current` to `next` (undefined: a removal); undefined when they may. */
export function userChangeRefusal(
  key: string,
  current: string | undefined,
  next: string | undefined,
): ErrorKey | undefined {
  if (current !== VERIFIED) return undefined;
  return KYC_STEPS.has(key) || next !== VERIFIED ? alreadyVerifiedKey(key) : undefined;
}

export class PrivateLabels {
  constructor(private readonly rules: AccountRules) {}

  /**
   * Refuses early what set() would refuse, before a flow does anything it cannot take back (stores a file, sends
   * a code). set() still decides, under the user's lock: this check alone could race.
   */
  async assertUserMayChange(labels: LabelsRepository, user: User, key: string, value: string): Promise<void> {
    const refusal = userChangeRefusal(key, (await labels.find(user.id, key, 'private'))?.value, value);
    if (refusal) throw unprocessable(refusal);
  }

  async set(w: Work, user: User, key: string, value: string, change: LabelChange = {}): Promise<User> {
    const existing = await this.lockedLabel(w, user, key, value, change);
    const { description } = change;
    const changes: Record<string, unknown> = {};
    if (existing && existing.value !== value) changes.value = existing.value;
    if (existing && description !== undefined && existing.description !== description)
      changes.description = existing.description;
    if (existing && !Object.keys(changes).length) return user;
    let label: Label;
    if (existing) {
      await w.repos.labels.update(existing.id, { value, description });
      label = { ...existing, value, description: description === undefined ? existing.description : description };
    } else {
      label = await w.repos.labels.insert(user.id, key, value, 'private', description ?? null);
    }
    const updated = await this.recompute(w, user);
    const record = await this.labelRecord(w, label, updated);
    if (existing) w.emit('model.label.updated', { record, changes }, this.meta(updated));
    else w.emit('model.label.created', { record }, this.meta(updated));
    // Barong tells the KYC side when a document is reviewed, whoever wrote the label.
    const review = key === 'document' ? DOCUMENT_REVIEWS.get(value) : undefined;
    if (review) w.emit(review, { record }, this.meta(updated));
    return updated;
  }

  async remove(w: Work, user: User, key: string, change: LabelChange = {}): Promise<User> {
    const existing = await this.lockedLabel(w, user, key, undefined, change);
    if (!existing) return user;
    await w.repos.labels.delete(existing.id);
    return this.recompute(w, user);
  }

  /**
   * Recomputes level and state from the private labels (a state an admin holds stays: account-state.ts); writes and
   * announces them when they change. The row is read again under the lock set() and remove() hold: the caller's
   * copy may predate an admin's ban committed since.
   */
  private async recompute(w: Work, user: User): Promise<User> {
    const current = (await w.repos.users.findById(user.id)) ?? user;
    const [labels, levels] = await Promise.all([w.repos.labels.listByUser(user.id), w.repos.levels.list()]);
    const level = computeLevel(labels, levels);
    const state = computeState(labels, this.rules, current.adminState);
    if (level === current.level && state === current.state) return current;
    return changeAccount(w, current, { level, state });
  }

  /**
   * The label, read under the lock on the user's row that serialises their label changes; refused when the user
   * may not change it. A flow that reads before calling set() takes that lock first (profiles, documents, phones,
   * data storage), so its snapshot is not older than the lock. (Not `FOR UPDATE` on the label: for a missing label
   * that takes a gap lock, and two users' first labels would deadlock each other.)
   */
  private async lockedLabel(
    w: Work,
    user: User,
    key: string,
    next: string | undefined,
    change: LabelChange,
  ): Promise<Label | undefined> {
    await w.repos.users.lockRow(user.id);
    const existing = await w.repos.labels.find(user.id, key, 'private');
    const refusal = change.by === 'admin' ? undefined : userChangeRefusal(key, existing?.value, next);
    if (refusal) throw unprocessable(refusal);
    return existing;
  }

  private async labelRecord(w: Work, label: Label, user: User) {
    const referralUid = await w.repos.users.uidOf(user.referralId);
    return {
      id: label.id,
      key: label.key,
      value: label.value,
      description: label.description,
      user: eventUser(user, referralUid),
    };
  }

  private meta(user: User) {
    return { email: user.email, language: userLanguage(user), labelScope: 'private' as const };
  }
}
