/** Admin API handlers: profiles, user and admin activities, metrics. The rules are the admin domain services'. */
import type { ActivitiesAdmin } from '../../domain/admin/activities-admin.js';
import { metricWindow } from '../../domain/admin/metric-window.js';
import type { ProfilesAdmin } from '../../domain/admin/profiles-admin.js';
import type { ActivitySearch } from '../../db/repositories/activities-repository.js';
import type { Encryptor } from '../../lib/encryptor.js';
import { presentAdminActivity, presentUserActivity } from '../presenters/activity-presenter.js';
import { presentProfile } from '../presenters/user-presenter.js';
import type { Handler, QueryOf } from '../types.js';
import { adminActor, pagedReply, pageOf } from './admin-request.js';

export interface KycHandlerDeps {
  profilesAdmin: ProfilesAdmin;
  activitiesAdmin: ActivitiesAdmin;
  encryptor: Encryptor;
}

function activitySearch(category: ActivitySearch['category'], q: QueryOf<'adminListUserActivities'>): ActivitySearch {
  const { topic, action, uid, email, from, to } = q;
  const at = (seconds: number | undefined) => (seconds === undefined ? undefined : new Date(seconds * 1000));
  return { category, topic, action, uid, email, from: at(from), to: at(to) };
}

export function createKycHandlers(d: KycHandlerDeps) {
  const unmasked = (p: Parameters<typeof presentProfile>[0]) => presentProfile(p, d.encryptor, 'unmasked');

  const adminListProfiles: Handler<'adminListProfiles'> = async (req) => {
    const page = pageOf(req.query);
    const { items, total } = await d.profilesAdmin.list(adminActor(req), page);
    return pagedReply(items.map(unmasked), total, page);
  };

  const adminCreateProfile: Handler<'adminCreateProfile'> = async (req) => {
    const { uid, ...input } = req.body;
    return { status: 201, body: unmasked(await d.profilesAdmin.create(adminActor(req), uid, input)) };
  };

  const adminSetProfileState: Handler<'adminSetProfileState'> = async (req) => {
    const { uid, state } = req.body;
    return { status: 200, body: unmasked(await d.profilesAdmin.setState(adminActor(req), uid, state)) };
  };

  const adminListUserActivities: Handler<'adminListUserActivities'> = async (req) => {
    const page = pageOf(req.query);
    const { items, total } = await d.activitiesAdmin.list(activitySearch('user', req.query), page);
    return pagedReply(items.map(presentUserActivity), total, page);
  };

  const adminListAdminActivities: Handler<'adminListAdminActivities'> = async (req) => {
    const page = pageOf(req.query);
    // `range` names only `created`, the one timestamp an activity has.
    const search = { ...activitySearch('admin', req.query), targetUid: req.query.target_uid };
    const { items, total } = await d.activitiesAdmin.list(search, page);
    return pagedReply(items.map(presentAdminActivity), total, page);
  };

  const adminGetMetrics: Handler<'adminGetMetrics'> = async (req) => {
    const m = await d.activitiesAdmin.metrics(metricWindow(req.query.created_from, req.query.created_to));
    return {
      status: 200,
      body: {
        signups: m.signups,
        // Barong parity: its misspelt key, and the right spelling beside it (docs/parity.md#successful-logins-spelling).
        sucessful_logins: m.successfulLogins,
        successful_logins: m.successfulLogins,
        failed_logins: m.failedLogins,
        pending_applications: m.pendingApplications,
      },
    };
  };

  return {
    adminListProfiles,
    adminCreateProfile,
    adminSetProfileState,
    adminListUserActivities,
    adminListAdminActivities,
    adminGetMetrics,
  };
}
