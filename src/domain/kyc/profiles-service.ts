/**
 * Profiles: one drafted-or-submitted profile per user; PUT edits the drafted one only;
 * `confirm` submits. First/last name, birth date and address are encrypted at rest. Every write sets the private
 * label `profile: <state>` (recomputing level and state) and records model.profile.created/updated, in one
 * transaction that holds the user's row, so two concurrent creates cannot both succeed. Admins open a submitted
 * profile for a user and decide on it inside their own transaction (src/domain/admin/profiles-admin.ts).
 */
import type { User } from '../../db/repositories/users-repository.js';
import {
  PROFILE_STATE_CODES,
  profileStateName,
  type ProfileFields,
  type ProfileRecord,
  type ProfileState,
} from '../../db/repositories/profiles-repository.js';
import type { Encryptor } from '../../lib/encryptor.js';
import { conflict, notFound, unprocessable } from '../../errors/app-error.js';
import type { UnitOfWork, Work } from '../unit-of-work.js';
import type { LabelChange, PrivateLabels } from '../labels/private-labels.js';
import { eventUser } from '../accounts/event-user.js';
import { normaliseProfile, type ProfileInput, type ProfileRequest, type ProfileValues } from './profile-rules.js';

export interface ProfilesServiceDeps {
  uow: UnitOfWork;
  encryptor: Encryptor;
  privateLabels: PrivateLabels;
}

export class ProfilesService {
  constructor(private readonly d: ProfilesServiceDeps) {}

  list(user: User): Promise<ProfileRecord[]> {
    return this.d.uow.repos.profiles.listByUser(user.id);
  }

  /**
   * A profile in any state, in the caller's transaction, as the management API imports one. Barong keeps no limit
   * on verified and rejected profiles; a drafted or submitted one is refused while another is open (422
   * `state.exists`, reported with the fields' errors). A trusted caller's `change` may move a verified `profile`
   * label.
   */
  async import(w: Work, user: User, request: ProfileInput, state: string, change: LabelChange): Promise<ProfileRecord> {
    const { values, errors } = normaliseProfile(request);
    await w.repos.users.lockRow(user.id);
    if (!isProfileState(state)) errors.push('state.inclusion');
    else if ((state === 'drafted' || state === 'submitted') && (await w.repos.profiles.hasOpen(user.id)))
      errors.push('state.exists');
    if (errors.length || !isProfileState(state)) throw unprocessable(errors);
    return this.insert(w, user, values, { state, change });
  }

  async create(user: User, request: ProfileRequest): Promise<ProfileRecord> {
    const values = this.validate(request);
    const state = request.confirm ? 'submitted' : 'drafted';
    return this.d.uow.run(async (w) => {
      await w.repos.users.lockRow(user.id);
      // Barong's model key `state.exists`; the contract answers it with the seed's 409.
      if (await w.repos.profiles.hasOpen(user.id)) throw conflict('state.exists');
      return this.insert(w, user, values, { state });
    });
  }

  /**
   * A submitted profile an admin opens for the user, inside the admin's transaction (which records the call). The
   * admin API has no 409: a second open profile is Barong's 422. An admin may redo a verified profile step.
   */
  async createByAdmin(w: Work, user: User, request: ProfileInput, author: string): Promise<ProfileRecord> {
    const values = this.validate(request);
    await w.repos.users.lockRow(user.id);
    if (await w.repos.profiles.hasOpen(user.id)) throw unprocessable('state.exists');
    return this.insert(w, user, values, { state: 'submitted', author, change: { by: 'admin' } });
  }

  /** An admin's decision on a profile the caller found and locked; the label and the user's level follow. */
  async setStateByAdmin(w: Work, user: User, profile: ProfileRecord, state: ProfileState): Promise<ProfileRecord> {
    if (profileStateName(profile.state) === state) return profile;
    const updated = await w.repos.profiles.update(profile.id, { state: PROFILE_STATE_CODES[state] });
    const owner = await this.label(w, user, state, { by: 'admin' });
    await this.announceUpdate(w, owner, profile, updated);
    return updated;
  }

  async update(user: User, request: ProfileRequest): Promise<ProfileRecord> {
    const values = this.validate(request);
    return this.d.uow.run(async (w) => {
      await w.repos.users.lockRow(user.id);
      const drafted = await w.repos.profiles.findDraftedForUpdate(user.id);
      if (!drafted) throw notFound('resource.profile.doesnt_exist_or_not_editable');
      const changes = this.fields(values);
      if (request.confirm) changes.state = PROFILE_STATE_CODES.submitted;
      const profile = await w.repos.profiles.update(drafted.id, changes);
      const owner = await this.label(w, user, profileStateName(profile.state));
      await this.announceUpdate(w, owner, drafted, profile);
      return profile;
    });
  }

  private async insert(
    w: Work,
    user: User,
    values: ProfileValues,
    o: { state: ProfileState; author?: string; change?: LabelChange },
  ) {
    const fields = { ...this.fields(values), state: PROFILE_STATE_CODES[o.state], author: o.author ?? null };
    const profile = await w.repos.profiles.insert(user.id, fields);
    const owner = await this.label(w, user, o.state, o.change);
    w.emit('model.profile.created', { record: await this.eventRecord(w, owner, profile) });
    return profile;
  }

  /** model.profile.updated: the record, and the previous values of what changed (the state too, as a model attribute). */
  private async announceUpdate(w: Work, owner: User, before: ProfileRecord, after: ProfileRecord): Promise<void> {
    const [record, previous] = await Promise.all([
      this.eventRecord(w, owner, after),
      this.eventRecord(w, owner, before),
    ]);
    const changes = changedFields(previous, record);
    if (before.state !== after.state) changes.state = profileStateName(before.state);
    w.emit('model.profile.updated', { record, changes });
  }

  private validate(request: ProfileInput): ProfileValues {
    const { values, errors } = normaliseProfile(request);
    if (errors.length) throw unprocessable(errors);
    return values;
  }

  private fields(v: ProfileValues): ProfileFields {
    const enc = (s: string | undefined) => (s === undefined ? undefined : this.d.encryptor.encrypt(s));
    return {
      firstNameEncrypted: enc(v.first_name),
      lastNameEncrypted: enc(v.last_name),
      dobEncrypted: enc(v.dob),
      addressEncrypted: enc(v.address),
      postcode: v.postcode,
      city: v.city,
      country: v.country,
      metadata: v.metadata,
    };
  }

  private async label(w: Work, user: User, state: string, change?: LabelChange): Promise<User> {
    const fresh = (await w.repos.users.findById(user.id)) ?? user;
    return this.d.privateLabels.set(w, fresh, 'profile', state, change);
  }

  /** Barong's event record: plain (unmasked) values, no state, null fields left out. */
  private async eventRecord(w: Work, user: User, p: ProfileRecord): Promise<Record<string, unknown>> {
    const dec = (s: string | null) => this.d.encryptor.decryptNullable(s);
    const record: Record<string, unknown> = {
      user: eventUser(user, await w.repos.users.uidOf(user.referralId)),
      first_name: dec(p.firstNameEncrypted),
      last_name: dec(p.lastNameEncrypted),
      dob: dec(p.dobEncrypted),
      address: dec(p.addressEncrypted),
      postcode: p.postcode,
      city: p.city,
      country: p.country,
      metadata: p.metadata,
      created_at: p.createdAt.toISOString(),
      updated_at: p.updatedAt.toISOString(),
    };
    return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== null && v !== undefined));
  }
}

const isProfileState = (state: string): state is ProfileState => Object.hasOwn(PROFILE_STATE_CODES, state);

/** The previous values of the attributes that changed (updated_at excluded), as Barong's *.updated events. */
function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key === 'updated_at' || key === 'user') continue;
    if (before[key] !== after[key]) changes[key] = before[key] ?? null;
  }
  return changes;
}
