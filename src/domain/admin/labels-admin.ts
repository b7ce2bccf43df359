/**
 * Admins' labels on users, in any scope. Private labels go through PrivateLabels (level and state recomputed in
 * the same transaction, events, the `label_changed` mail), as an admin's change (`by: 'admin'`, so a verified
 * step may be undone); public ones through PublicLabels' rules (a public key never repeats a private one). Key and
 * value are lower-cased and squished as Barong does; each write records its admin activity in its transaction.
 */
import type { Label, LabelCount, LabelScope } from '../../db/repositories/labels-repository.js';
import type { User, UserWithReferrer } from '../../db/repositories/users-repository.js';
import { notFound, unprocessable } from '../../errors/app-error.js';
import type { UnitOfWork, Work } from '../unit-of-work.js';
import type { PrivateLabels } from '../labels/private-labels.js';
import {
  keyTakenOnRace,
  labelPartErrors,
  newLabelErrors,
  normaliseLabelPart,
  type PublicLabels,
} from '../labels/public-labels.js';
import { recordAdminActivity, type AdminActor } from './admin-actor.js';
import { changeableUser } from './admin-target.js';

export interface LabelsAdminDeps {
  uow: UnitOfWork;
  privateLabels: PrivateLabels;
  publicLabels: PublicLabels;
}

/** A label as an admin names it: by user, key and scope (a scope other than public or private names none). */
export interface LabelRef {
  uid: string;
  key: string;
  scope: string;
}

export interface LabelWrite extends LabelRef {
  value: string;
  /** Undefined: not given. */
  description?: string;
}

type Action = 'create' | 'update' | 'delete';

const isScope = (scope: string): scope is LabelScope => scope === 'public' || scope === 'private';

export class LabelsAdmin {
  constructor(private readonly d: LabelsAdminDeps) {}

  /** How many private labels there are of each key and value. */
  counts(): Promise<LabelCount[]> {
    return this.d.uow.repos.labels.countPrivate();
  }

  /** A page of the users having a label with this key and value, in any scope. */
  holders(
    key: string,
    value: string,
    page: { page: number; limit: number },
  ): Promise<{ users: UserWithReferrer[]; total: number }> {
    return this.d.uow.repos.users.withLabel(key, value, page);
  }

  /** Adds a label; `key.taken` when the user has one with this key in this scope (public: in any scope). */
  create(actor: AdminActor, input: LabelWrite): Promise<void> {
    return this.write(actor, 'create', input, async (w, user) => {
      await this.insert(w, user, input, input.description ?? null);
    });
  }

  /** Changes the value of an existing label, and its description when one is given. */
  update(actor: AdminActor, input: LabelWrite): Promise<void> {
    return this.write(actor, 'update', input, async (w, user) => {
      const label = await this.existing(w, user, input);
      await this.change(w, user, label, input.value, input.description);
    });
  }

  /**
   * Sets value and description, creating the label when there is none unless `replace` is false (404). Barong
   * parity: a description not given clears the one the label had.
   */
  upsert(actor: AdminActor, input: LabelWrite, replace: boolean): Promise<void> {
    return this.write(actor, 'create', { ...input, replace }, async (w, user) => {
      const label = await this.find(w, user, input);
      const description = input.description ?? null;
      if (label) await this.change(w, user, label, input.value, description);
      else if (replace) await this.insert(w, user, input, description);
      else throw notFound('admin.label.doesnt_exist');
    });
  }

  /** Deletes a label; a private one recomputes the user's level and state. No event, as in Barong. */
  remove(actor: AdminActor, ref: LabelRef): Promise<void> {
    return this.write(actor, 'delete', ref, async (w, user) => {
      const label = await this.existing(w, user, ref);
      if (label.scope === 'private') await this.d.privateLabels.remove(w, user, label.key, { by: 'admin' });
      else await w.repos.labels.delete(label.id);
    });
  }

  /**
   * The user's checks, the change, and its admin activity, in one transaction. The lock on the user's row (the one
   * PrivateLabels takes) comes before any label is read, so a concurrent write cannot slip between check and change.
   */
  private write(
    actor: AdminActor,
    action: Action,
    params: LabelRef & Partial<LabelWrite> & { replace?: boolean },
    change: (w: Work, user: User) => Promise<void>,
  ): Promise<void> {
    return keyTakenOnRace(
      this.d.uow.run(async (w) => {
        const user = await changeableUser(w, actor, params.uid);
        await w.repos.users.lockRow(user.id);
        await change(w, user);
        await recordAdminActivity(w, actor, { topic: 'users', action, targetUid: user.uid, params: { ...params } });
      }),
    );
  }

  private async insert(w: Work, user: User, input: LabelWrite, description: string | null): Promise<void> {
    const key = normaliseLabelPart(input.key);
    const value = normaliseLabelPart(input.value);
    if (input.scope === 'public') {
      await this.d.publicLabels.insert(w, user, key, value, description);
      return;
    }
    const errors = newLabelErrors(key, value, await w.repos.labels.find(user.id, key, 'private'));
    if (errors.length) throw unprocessable(errors);
    await this.d.privateLabels.set(w, user, key, value, { by: 'admin', description });
  }

  private async change(
    w: Work,
    user: User,
    label: Label,
    rawValue: string,
    description: string | null | undefined,
  ): Promise<void> {
    const value = normaliseLabelPart(rawValue);
    if (label.scope === 'public') {
      await this.d.publicLabels.change(w, user, label, value, description);
      return;
    }
    const errors = labelPartErrors('value', value);
    if (errors.length) throw unprocessable(errors);
    await this.d.privateLabels.set(w, user, label.key, value, { by: 'admin', description });
  }

  private async existing(w: Work, user: User, ref: LabelRef): Promise<Label> {
    const label = await this.find(w, user, ref);
    if (!label) throw notFound('admin.label.doesnt_exist');
    return label;
  }

  private find(w: Work, user: User, ref: LabelRef): Promise<Label | undefined> {
    if (!isScope(ref.scope)) return Promise.resolve(undefined);
    return w.repos.labels.find(user.id, normaliseLabelPart(ref.key), ref.scope);
  }
}
