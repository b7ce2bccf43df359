/**
 * Private labels as the exchange's other services set them through the management API, through PrivateLabels:
 * level and state recomputed in the same transaction, model.label.* events (and system.document.* for a reviewed
 * document), the `label_changed` mail. Key and value are lower-cased and squished, then checked, as Barong does; a
 * key is unique per user among private labels. Also the users having a label, and one user's labels.
 */
import type { Label } from '../../db/repositories/labels-repository.js';
import type { User } from '../../db/repositories/users-repository.js';
import { notFound, unprocessable } from '../../errors/app-error.js';
import { optionalEpochDate } from '../../lib/epoch-date.js';
import type { UnitOfWork, Work } from '../unit-of-work.js';
import type { PrivateLabels } from '../labels/private-labels.js';
import { keyTakenOnRace, labelPartErrors, newLabelErrors, normaliseLabelPart } from '../labels/public-labels.js';
import { ManagementRefusal } from './signed-request.js';
import { TRUSTED } from './management-users.js';
import { pageOf, userPage, type PageQuery, type UserPage } from './user-pages.js';

export interface LabelWrite {
  key: string;
  value: string;
  /** Undefined: not given (an update keeps the one the label has). */
  description?: string;
}

export interface LabelHolderQuery extends PageQuery {
  key: string;
  value?: string;
  scope?: string;
  range?: 'created' | 'updated';
  /** Unix seconds. */
  from?: number;
  to?: number;
}

export class ManagementLabels {
  constructor(private readonly d: { uow: UnitOfWork; privateLabels: PrivateLabels }) {}

  async holders(query: LabelHolderQuery, extended: boolean): Promise<UserPage> {
    const repos = this.d.uow.repos;
    const { key, value, scope } = query;
    const filter = {
      key,
      value,
      scope,
      range: query.range ?? 'created',
      from: optionalEpochDate(query.from),
      to: optionalEpochDate(query.to),
    } as const;
    return userPage(repos, await repos.labelHolders.list(filter, pageOf(query)), query, extended);
  }

  /** Every label of the user, both scopes. */
  async list(uid: string): Promise<Label[]> {
    const repos = this.d.uow.repos;
    const user = await repos.users.findByUid(uid);
    if (!user) throw notFound();
    return repos.labels.listByUser(user.id);
  }

  create(uid: string, input: LabelWrite): Promise<Label> {
    return this.write(uid, input.key, async (w, user, key) => {
      const value = normaliseLabelPart(input.value);
      const errors = newLabelErrors(key, value, await w.repos.labels.find(user.id, key, 'private'));
      if (errors.length) throw unprocessable(errors);
      await this.d.privateLabels.set(w, user, key, value, { ...TRUSTED, description: input.description ?? null });
    });
  }

  /** Sets the value (and the description when given); a missing label is created unless `replace` is false. */
  update(uid: string, input: LabelWrite, replace: boolean): Promise<Label> {
    return this.write(uid, input.key, async (w, user, key) => {
      const label = await w.repos.labels.find(user.id, key, 'private');
      if (!label && !replace) throw new ManagementRefusal(404, 'label doesnt exist');
      const value = normaliseLabelPart(input.value);
      const errors = label ? labelPartErrors('value', value) : newLabelErrors(key, value, undefined);
      if (errors.length) throw unprocessable(errors);
      const description = label ? input.description : (input.description ?? null);
      await this.d.privateLabels.set(w, user, key, value, { ...TRUSTED, description });
    });
  }

  /** Deletes the private label and recomputes the user's level and state. */
  async remove(uid: string, rawKey: string): Promise<void> {
    await this.d.uow.run(async (w) => {
      const user = await this.user(w, uid);
      const key = normaliseLabelPart(rawKey);
      if (!(await w.repos.labels.find(user.id, key, 'private'))) throw notFound();
      await this.d.privateLabels.remove(w, user, key, TRUSTED);
    });
  }

  /** The user's row is locked before any label is read, so a concurrent write cannot slip between check and change. */
  private write(
    uid: string,
    rawKey: string,
    change: (w: Work, user: User, key: string) => Promise<void>,
  ): Promise<Label> {
    return keyTakenOnRace(
      this.d.uow.run(async (w) => {
        const user = await this.user(w, uid);
        await w.repos.users.lockRow(user.id);
        const key = normaliseLabelPart(rawKey);
        await change(w, user, key);
        return (await w.repos.labels.find(user.id, key, 'private'))!;
      }),
    );
  }

  private async user(w: Work, uid: string): Promise<User> {
    const user = await w.repos.users.findByUid(uid);
    if (!user) throw notFound();
    return user;
  }
}
