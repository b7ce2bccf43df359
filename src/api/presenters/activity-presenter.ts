/** Barong's admin activity entities: the activity, with the user who acted (and, for an admin, the target). */
import type { components } from '../../generated/api.js';
import type { Activity } from '../../db/repositories/activities-repository.js';
import type { ListedActivity } from '../../domain/admin/activities-admin.js';
import { isoSeconds } from './format.js';
import { presentUser } from './user-entity.js';

type Schemas = components['schemas'];

function activityFields(a: Activity) {
  return {
    user_ip: a.userIp,
    user_ip_country: a.userIpCountry,
    user_agent: a.userAgent,
    topic: a.topic,
    action: a.action,
    result: a.result,
    data: a.data,
  };
}

export function presentUserActivity({ activity, user }: ListedActivity): Schemas['API_V2_Admin_Entities_ActivityWithUser'] {
  return { ...activityFields(activity), user: presentUser(user), created_at: isoSeconds(activity.createdAt) };
}

export function presentAdminActivity({ activity, user, target }: ListedActivity): Schemas['API_V2_Admin_Entities_AdminActivity'] {
  return {
    ...activityFields(activity),
    admin: presentUser(user),
    target: target && presentUser(target),
    created_at: isoSeconds(activity.createdAt),
  };
}
