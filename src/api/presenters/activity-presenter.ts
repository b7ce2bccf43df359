/** Activities as Barong's entities show them: a user's own, and the admin API's with the user who acted (and target). */
import type { components } from '../../generated/api.js';
import type { Activity } from '../../db/repositories/activities-repository.js';
import type { UserWithReferrer } from '../../db/repositories/users-repository.js';
import type { ListedActivity } from '../../domain/admin/activities-admin.js';
import { isoSeconds } from './format.js';
import { presentAccount } from './user-presenter.js';

type Schemas = components['schemas'];

export function presentActivity(a: Activity): Schemas['API_V2_Entities_Activity'] {
  return {
    id: a.id,
    user_ip: a.userIp,
    user_ip_country: a.userIpCountry,
    user_agent: a.userAgent,
    topic: a.topic,
    action: a.action,
    result: a.result,
    data: a.data,
    created_at: isoSeconds(a.createdAt),
  };
}

/** Barong's User entity. */
const presentUser = (u: UserWithReferrer): Schemas['API_V2_Entities_User'] => ({
  ...presentAccount(u, u.referralUid),
  username: u.username,
});

/** The activity's own fields, in the entities' order (the admin entities have no id; created_at comes last). */
function activityFields(a: Activity) {
  const { id: _id, created_at: _createdAt, ...fields } = presentActivity(a);
  return fields;
}

export function presentUserActivity({
  activity,
  user,
}: ListedActivity): Schemas['API_V2_Admin_Entities_ActivityWithUser'] {
  return { ...activityFields(activity), user: presentUser(user), created_at: isoSeconds(activity.createdAt) };
}

export function presentAdminActivity({
  activity,
  user,
  target,
}: ListedActivity): Schemas['API_V2_Admin_Entities_AdminActivity'] {
  return {
    ...activityFields(activity),
    admin: presentUser(user),
    target: target && presentUser(target),
    created_at: isoSeconds(activity.createdAt),
  };
}
