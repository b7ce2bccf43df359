/**
 * Profiles through the admin API: every profile (a read of personal data, so recorded), a submitted profile opened
 * for a user, and the decision on a user's submitted profile. The profile rules, the `profile` label, the level and
 * the events are ProfilesService's; this adds who may decide, and the admin activity in the same transaction.
 */
import type { Page, PageRequest } from '../../db/repositories/paging.js';
import type { ProfileRecord, ProfileState } from '../../db/repositories/profiles-repository.js';
import type { User } from '../../db/repositories/users-repository.js';
import { notFound, unprocessable } from '../../errors/app-error.js';
import type { ProfilesService } from '../kyc/profiles-service.js';
import type { ProfileInput } from '../kyc/profile-rules.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { recordAdminActivity, type AdminActor } from './admin-actor.js';

export interface ProfileReviewRules {
  /** A profile an admin created needs another admin's decision… */
  profileDoubleVerification: boolean;
  /** …unless the deciding admin's role is one of these. */
  profileVerificationRoles: string[];
}

export interface ProfilesAdminDeps {
  uow: UnitOfWork;
  profiles: ProfilesService;
  rules: ProfileReviewRules;
}

const TOPIC = 'profiles';

export class ProfilesAdmin {
  constructor(private readonly d: ProfilesAdminDeps) {}

  list(actor: AdminActor, page: PageRequest): Promise<Page<ProfileRecord>> {
    return this.d.uow.run(async (w) => {
      const found = await w.repos.profiles.page(page);
      await recordAdminActivity(w, actor, { topic: TOPIC, action: 'read', params: { ...page } });
      return found;
    });
  }

  /**
   * The activity names the fields given, not their values: the profile's personal fields are encrypted at rest,
   * and the activity log is not.
   */
  create(actor: AdminActor, uid: string, input: ProfileInput): Promise<ProfileRecord> {
    return this.d.uow.run(async (w) => {
      const user = await w.repos.users.findByUid(uid);
      // Barong fails with a 500 here.
      if (!user) throw notFound('admin.user.doesnt_exist');
      const profile = await this.d.profiles.createByAdmin(w, user, input, actor.user.uid);
      const fields = Object.keys(input).filter((k) => input[k as keyof ProfileInput] !== undefined);
      await recordAdminActivity(w, actor, { topic: TOPIC, action: 'create', targetUid: uid, params: { uid, fields } });
      return profile;
    });
  }

  /** Barong's order of checks: a submitted profile, a superadmin's only by a superadmin, then double verification. */
  setState(actor: AdminActor, uid: string, state: ProfileState): Promise<ProfileRecord> {
    return this.d.uow.run(async (w) => {
      const user = await w.repos.users.findByUid(uid);
      if (user) await w.repos.users.lockRow(user.id);
      const profile = user && (await w.repos.profiles.findSubmittedForUpdate(user.id));
      if (!user || !profile) throw notFound('admin.profiles.doesnt_exist_or_not_editable');
      if (user.role === 'superadmin' && actor.user.role !== 'superadmin')
        throw unprocessable('admin.profiles.superadmin_change');
      if (this.needsSecondAdmin(profile, actor.user)) throw unprocessable('admin.profiles.second_admin_approval');
      const updated = await this.d.profiles.setStateByAdmin(w, user, profile, state);
      await recordAdminActivity(w, actor, { topic: TOPIC, action: 'update', targetUid: uid, params: { uid, state } });
      return updated;
    });
  }

  private needsSecondAdmin(profile: ProfileRecord, admin: User): boolean {
    const { profileDoubleVerification, profileVerificationRoles } = this.d.rules;
    return profileDoubleVerification && profile.author === admin.uid && !profileVerificationRoles.includes(admin.role);
  }
}
