/** What the admin API reads of the activity log: the user and admin activities, and the daily metrics. */
import type { Activity, ActivityCount, ActivitySearch } from '../../db/repositories/activities-repository.js';
import type { Page, PageRequest } from '../../db/repositories/paging.js';
import type { UserWithReferrer } from '../../db/repositories/users-repository.js';
import type { UnitOfWork } from '../unit-of-work.js';
import type { MetricWindow } from './metric-window.js';

export interface ListedActivity {
  activity: Activity;
  /** Who acted (for an admin activity, the admin). */
  user: UserWithReferrer;
  /** The user an admin activity names; null when it names none, or nobody has that uid any more. */
  target: UserWithReferrer | null;
}

/** Counts per UTC day (`YYYY-MM-DD`). */
export type PerDay = Record<string, number>;

export interface Metrics {
  signups: PerDay;
  successfulLogins: PerDay;
  failedLogins: PerDay;
  /** Users whose documents wait for a review. */
  pendingApplications: number;
}

export class ActivitiesAdmin {
  constructor(private readonly uow: UnitOfWork) {}

  async list(search: ActivitySearch, page: PageRequest): Promise<Page<ListedActivity>> {
    const { activities, users } = this.uow.repos;
    const found = await activities.search(search, page);
    const targetUids = found.items.flatMap((a) => (a.targetUid ? [a.targetUid] : []));
    const [actors, targets] = await Promise.all([
      users.withReferrers(
        'id',
        found.items.map((a) => a.userId ?? 0),
      ),
      users.withReferrers('uid', targetUids),
    ]);
    const byId = new Map(actors.map((u) => [u.id, u]));
    const byUid = new Map(targets.map((u) => [u.uid, u]));
    const items = found.items.flatMap((activity) => {
      const user = byId.get(activity.userId ?? 0);
      // Deleted between the two reads: left out, as the search leaves out activities without a user.
      if (!user) return [];
      return [{ activity, user, target: (activity.targetUid && byUid.get(activity.targetUid)) || null }];
    });
    return { items, total: found.total };
  }

  /**
   * Barong's metrics: successful sign-ups and password logins (2FA logins are their own action, `login::2fa`, and
   * not counted, as in Barong), failed logins, all categories; and the users whose document label is `pending`.
   */
  async metrics(window: MetricWindow): Promise<Metrics> {
    const { activities, labels } = this.uow.repos;
    const count = (c: Pick<ActivityCount, 'topic' | 'action' | 'result'>) =>
      activities.countPerDay({ ...c, ...window });
    const [signups, successfulLogins, failedLogins, pendingApplications] = await Promise.all([
      count({ topic: 'account', action: 'signup', result: 'succeed' }),
      count({ topic: 'session', action: 'login', result: 'succeed' }),
      count({ topic: 'session', action: 'login', result: 'failed' }),
      labels.countPrivateOf('document', 'pending'),
    ]);
    return { signups, successfulLogins, failedLogins, pendingApplications };
  }
}
