/**
 * Writes private labels for the system's own flows (email verified, phone verified, otp enabled, …) and keeps
 * the user's level and state in step with them in the same transaction: on create, update and delete
 * (Barong misses deletes, #775). Events follow Barong: model.label.created/updated, model.user.updated.
 */
import type { User } from '../../db/repositories/users-repository.js';
import type { Label } from '../../db/repositories/labels-repository.js';
import type { Work } from '../unit-of-work.js';
import { computeLevel, computeState, type AccountRules } from '../accounts/account-state.js';
import { eventUser, userLanguage } from '../accounts/event-user.js';
import { suspendKeysAndAccountsOf } from '../service-accounts/service-account-service.js';

export class PrivateLabels {
  constructor(private readonly rules: AccountRules) {}

  async set(w: Work, user: User, key: string, value: string): Promise<User> {
    const existing = await w.repos.labels.find(user.id, key, 'private');
    if (existing?.value === value) return user;
    let label: Label;
    if (existing) {
      await w.repos.labels.updateValue(existing.id, value);
      label = { ...existing, value };
    } else {
      label = await w.repos.labels.insert(user.id, key, value, 'private');
    }
    const updated = await this.recompute(w, user);
    const record = await this.labelRecord(w, label, updated);
    if (existing) w.emit('model.label.updated', { record, changes: { value: existing.value } }, this.meta(updated));
    else w.emit('model.label.created', { record }, this.meta(updated));
    return updated;
  }

  async remove(w: Work, user: User, key: string): Promise<User> {
    const existing = await w.repos.labels.find(user.id, key, 'private');
    if (!existing) return user;
    await w.repos.labels.delete(existing.id);
    return this.recompute(w, user);
  }

  /** Recomputes level and state from the private labels; writes and announces them when they change. */
  async recompute(w: Work, user: User): Promise<User> {
    const [labels, levels] = await Promise.all([w.repos.labels.listByUser(user.id), w.repos.levels.list()]);
    const level = computeLevel(labels, levels);
    const state = computeState(labels, this.rules);
    if (level === user.level && state === user.state) return user;
    await w.repos.users.update(user.id, { level, state });
    // Barong §9/§10.3: leaving `active` deactivates every API key of the user and of their service accounts, and
    // the service accounts take the new state; same transaction, so no key outlives the change.
    if (state !== user.state && state !== 'active') await suspendKeysAndAccountsOf(w.repos, user.id, state);
    const updated = (await w.repos.users.findById(user.id))!;
    const changes: Record<string, unknown> = {};
    if (level !== user.level) changes.level = user.level;
    if (state !== user.state) changes.state = user.state;
    const referralUid = await w.repos.users.uidOf(updated.referralId);
    w.emit('model.user.updated', { record: eventUser(updated, referralUid), changes }, this.meta(updated));
    return updated;
  }

  private async labelRecord(w: Work, label: Label, user: User) {
    const referralUid = await w.repos.users.uidOf(user.referralId);
    return { id: label.id, key: label.key, value: label.value, description: label.description, user: eventUser(user, referralUid) };
  }

  private meta(user: User) {
    return { email: user.email, language: userLanguage(user), labelScope: 'private' as const };
  }
}
