/**
 * A user's level and state follow from their private labels, computed here and nowhere else.
 *   level: walk the levels by id; the user reaches each one whose (key, value) they hold as a private label,
 *          and stops at the first missing one.
 *   state: `active` when every activation requirement is held (else `pending`); then each state trigger whose
 *          label key the user holds forces its state, later triggers winning.
 * Unlike Barong, triggers look at private labels only: a user's own public label named `ban` or `delete`
 * must not change their state; and a state an admin set that may not sign in (a ban, a lock) holds over all of
 * this until an admin sets another (Barong lost it at the next label change).
 */
import type { Label } from '../../db/repositories/labels-repository.js';
import type { Level } from '../../db/repositories/levels-repository.js';

export interface AccountRules {
  activationRequirements: Record<string, string>;
  stateTriggers: { state: string; labelKeys: string[] }[];
}

type LabelPair = Pick<Label, 'key' | 'value' | 'scope'>;

const has = (labels: LabelPair[], key: string, value: string) =>
  labels.some((l) => l.scope === 'private' && l.key === key && l.value === value);

export function computeLevel(labels: LabelPair[], levels: Level[]): number {
  let level = 0;
  for (const l of [...levels].sort((a, b) => a.id - b.id)) {
    if (!has(labels, l.key, l.value)) break;
    level = l.id;
  }
  return level;
}

export function computeState(labels: LabelPair[], rules: AccountRules, adminState: string | null = null): string {
  if (adminState) return adminState;
  const requirements = Object.entries(rules.activationRequirements);
  let state = requirements.every(([key, value]) => has(labels, key, value)) ? 'active' : 'pending';
  const privateKeys = new Set(labels.filter((l) => l.scope === 'private').map((l) => l.key));
  for (const trigger of rules.stateTriggers) {
    if (trigger.labelKeys.some((k) => privateKeys.has(k))) state = trigger.state;
  }
  return state;
}

/** States that may sign in and pass authorization. */
export const SIGN_IN_STATES = new Set(['active', 'pending']);

/**
 * What an admin's state change leaves held over the labels: a state that may not sign in. Active and pending are
 * not held, so that the labels go on deciding (an unbanned user who later deletes their account is deleted).
 */
export function adminHold(state: string): string | null {
  return SIGN_IN_STATES.has(state) ? null : state;
}
