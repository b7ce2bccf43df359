/**
 * The labels a user manages through the resource API: public labels only, key and value lower-cased. Private
 * labels (written by the system and admins through PrivateLabels) are readable here, never writable.
 * Public labels never change level or state, so nothing is recomputed here.
 */
import type { User } from '../../db/repositories/users-repository.js';
import type { Label } from '../../db/repositories/labels-repository.js';
import { badRequest, notFound, unprocessable } from '../../errors/app-error.js';
import { UniqueViolation } from '../../db/db-errors.js';
import type { UnitOfWork, Work } from '../unit-of-work.js';
import { eventUser, userLanguage } from '../accounts/event-user.js';
import { validationKey, type ErrorKey } from '../../errors/error-keys.js';

const LABEL_PART = /^[a-z0-9_-]+$/;
const MIN_LENGTH = 3;
const MAX_LENGTH = 255;

/** Barong lower-cases and squishes (trims, collapses inner whitespace) keys and values before validating. */
export function normaliseLabelPart(value: string): string {
  return value.toLowerCase().trim().replace(/\s+/g, ' ');
}

/** Model errors of one normalised label key or value, in Rails' order: length, then format. */
export function labelPartErrors(attribute: 'key' | 'value', value: string): ErrorKey[] {
  const errors: ErrorKey[] = [];
  if (value.length < MIN_LENGTH) errors.push(`${attribute}.too_short`);
  if (value.length > MAX_LENGTH) errors.push(`${attribute}.too_long`);
  if (!LABEL_PART.test(value)) errors.push(`${attribute}.invalid`);
  return errors;
}

/** Model errors of a new label; `clash` is the label its key would repeat, if any (`key.taken`). */
export function newLabelErrors(key: string, value: string, clash: Label | undefined): ErrorKey[] {
  const keyErrors = labelPartErrors('key', key);
  if (!keyErrors.length && clash) keyErrors.push('key.taken');
  return [...keyErrors, ...labelPartErrors('value', value)];
}

/** The unique index answers a race that the check before the insert lost, as that check would have. */
export async function keyTakenOnRace<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof UniqueViolation) throw unprocessable('key.taken');
    throw err;
  }
}

export function isValidLabelKey(key: string): boolean {
  return labelPartErrors('key', key).length === 0;
}

export type Ordering = 'asc' | 'desc';

export class PublicLabels {
  constructor(private readonly uow: UnitOfWork) {}

  list(user: User, ordering: Ordering = 'asc'): Promise<Label[]> {
    return this.uow.repos.labels.listByUser(user.id, ordering);
  }

  /** The user's first label with this key, in any scope. */
  async get(user: User, key: string): Promise<Label> {
    const label = await this.uow.repos.labels.find(user.id, key);
    if (!label) throw notFound();
    return label;
  }

  async create(user: User, rawKey: string, rawValue: string): Promise<Label> {
    const key = normaliseLabelPart(rawKey);
    const value = normaliseLabelPart(rawValue);
    this.requirePresent({ key, value });
    return keyTakenOnRace(this.uow.run((w) => this.insert(w, user, key, value)));
  }

  /** Barong parity, except that an invalid value answers 422 here (Barong answers 200 and saves nothing). */
  async update(user: User, key: string, rawValue: string): Promise<Label> {
    const value = normaliseLabelPart(rawValue);
    this.requirePresent({ value });
    return this.uow.run(async (w) => this.change(w, user, await this.writable(w, user, key), value));
  }

  /**
   * Adds a public label in the caller's transaction; key and value normalised already. Unlike Barong (unique per
   * scope), a key is unique across scopes: the path operations address a label by key alone, so a public label
   * must never share its key with a private one.
   */
  async insert(w: Work, user: User, key: string, value: string, description: string | null = null): Promise<Label> {
    const errors = newLabelErrors(key, value, await w.repos.labels.find(user.id, key));
    if (errors.length) throw unprocessable(errors);
    const label = await w.repos.labels.insert(user.id, key, value, 'public', description);
    await this.announce(w, user, label, 'model.label.created');
    return label;
  }

  /** Changes a public label's value (normalised already), and its description unless that is undefined. */
  async change(w: Work, user: User, label: Label, value: string, description?: string | null): Promise<Label> {
    const errors = labelPartErrors('value', value);
    if (errors.length) throw unprocessable(errors);
    const changes: Record<string, unknown> = {};
    if (value !== label.value) changes.value = label.value;
    if (description !== undefined && description !== label.description) changes.description = label.description;
    if (!Object.keys(changes).length) return label;
    await w.repos.labels.update(label.id, { value, description });
    const updated = (await w.repos.labels.find(user.id, label.key, 'public'))!;
    await this.announce(w, user, updated, 'model.label.updated', changes);
    return updated;
  }

  async remove(user: User, key: string): Promise<void> {
    await this.uow.run(async (w) => {
      const label = await this.writable(w, user, key);
      await w.repos.labels.delete(label.id);
    });
  }

  private async writable(w: Work, user: User, key: string): Promise<Label> {
    const label = await w.repos.labels.find(user.id, key);
    if (!label) throw notFound();
    if (label.scope !== 'public') throw badRequest('resource.labels.private');
    return label;
  }

  /** A value that is only whitespace is blank, as Grape's `allow_blank: false` sees it. */
  private requirePresent(parts: Record<string, string>): void {
    const blank = Object.entries(parts)
      .filter(([, v]) => v === '')
      .map(([name]) => validationKey('resource.label', 'empty', name));
    if (blank.length) throw badRequest(blank);
  }

  private async announce(
    w: Work,
    user: User,
    label: Label,
    name: string,
    changes?: Record<string, unknown>,
  ): Promise<void> {
    const referralUid = await w.repos.users.uidOf(user.referralId);
    const record = {
      id: label.id,
      key: label.key,
      value: label.value,
      description: label.description,
      user: eventUser(user, referralUid),
    };
    const meta = { email: user.email, language: userLanguage(user), labelScope: 'public' as const };
    w.emit(name, changes ? { record, changes } : { record }, meta);
  }
}
