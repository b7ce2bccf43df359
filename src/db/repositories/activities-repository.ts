import type { Knex } from 'knex';
import type { Row } from '../row.js';
import { offsetOf, type Page, type PageRequest } from './paging.js';

export type ActivityResult = 'succeed' | 'failed' | 'denied';

export interface NewActivity {
  userId: number | null;
  category?: 'user' | 'admin';
  targetUid?: string | null;
  userIp: string;
  userIpCountry?: string | null;
  userAgent: string;
  topic: string;
  action: string;
  result: ActivityResult;
  data?: Record<string, unknown> | null;
}

export interface Activity {
  id: number;
  userId: number | null;
  /** The user an admin activity names ('' or null when none). */
  targetUid: string | null;
  userIp: string;
  userIpCountry: string | null;
  userAgent: string;
  topic: string;
  action: string;
  result: ActivityResult;
  data: string | null;
  createdAt: Date;
}

export interface ActivityFilter {
  userId: number;
  topic?: string;
  result?: string;
  from?: Date;
  to?: Date;
}

/** The admin API's activity lists: one category, joined with the acting user (uid, email match that user). */
export interface ActivitySearch {
  category: 'user' | 'admin';
  topic?: string;
  action?: string;
  uid?: string;
  email?: string;
  targetUid?: string;
  /** Inclusive bounds of created_at. */
  from?: Date;
  to?: Date;
}

/** Which activities a metric counts, and the window of created_at (`before` excluded, `until` included). */
export interface ActivityCount {
  topic: string;
  action: string;
  result: ActivityResult;
  from?: Date;
  until?: Date;
  before?: Date;
}

const USER_AGENT_MAX = 1024;

const toActivity = (r: Row): Activity => ({
  id: Number(r.id),
  userId: r.user_id === null ? null : Number(r.user_id),
  targetUid: r.target_uid,
  userIp: r.user_ip,
  userIpCountry: r.user_ip_country,
  userAgent: r.user_agent,
  topic: r.topic,
  action: r.action,
  result: r.result,
  data: r.data,
  createdAt: r.created_at,
});

export class ActivitiesRepository {
  constructor(private readonly db: Knex) {}

  async record(a: NewActivity): Promise<void> {
    await this.db('activities').insert({
      user_id: a.userId,
      category: a.category ?? 'user',
      target_uid: a.targetUid ?? null,
      user_ip: a.userIp,
      user_ip_country: a.userIpCountry ?? null,
      user_agent: a.userAgent.slice(0, USER_AGENT_MAX),
      topic: a.topic,
      action: a.action,
      result: a.result,
      data: a.data ? JSON.stringify(a.data) : null,
    });
  }

  private filtered(f: ActivityFilter): Knex.QueryBuilder {
    const q = this.db('activities').where({ user_id: f.userId });
    if (f.topic) q.andWhere({ topic: f.topic });
    if (f.result) q.andWhere({ result: f.result });
    if (f.from) q.andWhere('created_at', '>=', f.from);
    if (f.to) q.andWhere('created_at', '<', f.to);
    return q;
  }

  async count(f: ActivityFilter): Promise<number> {
    const [r] = await this.filtered(f).count({ n: '*' });
    return Number(r?.n ?? 0);
  }

  async list(f: ActivityFilter, page: number, limit: number): Promise<Activity[]> {
    const rows = await this.filtered(f)
      .orderBy('id', 'desc')
      .offset((page - 1) * limit)
      .limit(limit);
    return rows.map(toActivity);
  }

  /**
   * Newest first. Activities without a user (the CLI's admin actions) are left out, as Barong's join leaves them.
   * No join: fk_activities_user_id (ON DELETE CASCADE) makes every non-null user_id a user's, and the user filters
   * are resolved to ids first. With the join, on 10,000,000 activities the optimizer started from users and sorted
   * every activity for one page (minutes); alone, the page is the newest ids of the primary key.
   */
  async search(s: ActivitySearch, page: PageRequest): Promise<Page<Activity>> {
    const userIds = await this.actorIds(s);
    if (userIds?.length === 0) return { items: [], total: 0 };
    const base = () => {
      const q = this.db('activities').where('activities.category', s.category);
      if (userIds) q.whereIn('activities.user_id', userIds);
      else q.whereNotNull('activities.user_id');
      if (s.topic !== undefined) q.andWhere('activities.topic', s.topic);
      if (s.action !== undefined) q.andWhere('activities.action', s.action);
      if (s.targetUid !== undefined) q.andWhere('activities.target_uid', s.targetUid);
      if (s.from) q.andWhere('activities.created_at', '>=', s.from);
      if (s.to) q.andWhere('activities.created_at', '<=', s.to);
      return q;
    };
    const [[counted], rows] = await Promise.all([
      base().count({ n: '*' }),
      base().select('activities.*').orderBy('activities.id', 'desc').offset(offsetOf(page)).limit(page.limit),
    ]);
    return { items: rows.map(toActivity), total: Number(counted?.n ?? 0) };
  }

  /** The ids of the users `uid` and `email` name together; undefined when neither is given. */
  private async actorIds(s: ActivitySearch): Promise<number[] | undefined> {
    if (s.uid === undefined && s.email === undefined) return undefined;
    const q = this.db('users').select('id');
    if (s.uid !== undefined) q.where('uid', s.uid);
    if (s.email !== undefined) q.where('email', s.email);
    return (await q).map((r: Row) => Number(r.id));
  }

  /** How many activities of every category match, per UTC day (`YYYY-MM-DD`); days without any are left out. */
  async countPerDay(c: ActivityCount): Promise<Record<string, number>> {
    const q = this.db('activities').where({ topic: c.topic, action: c.action, result: c.result });
    if (c.from) q.andWhere('created_at', '>=', c.from);
    if (c.until) q.andWhere('created_at', '<=', c.until);
    if (c.before) q.andWhere('created_at', '<', c.before);
    // created_at is written in the connection's time zone, UTC (knex-config.ts), so this is the UTC day.
    const rows = await q
      .select(this.db.raw("DATE_FORMAT(created_at, '%Y-%m-%d') AS day"))
      .count({ n: '*' })
      .groupBy('day')
      .orderBy('day');
    return Object.fromEntries(rows.map((r: Row) => [String(r.day), Number(r.n)]));
  }

  /** When the user's own latest activity happened (their logins, changes, failures), if any is left. */
  async lastOf(userId: number): Promise<Date | undefined> {
    const r = await this.db('activities').where({ user_id: userId }).max({ at: 'created_at' }).first();
    return r?.at ? new Date(r.at) : undefined;
  }

  /**
   * Deletes up to `limit` of the oldest activities created more than `days` days ago (by the database's clock);
   * returns how many. One short statement on index_activities_on_created_at: it locks only the rows it deletes.
   */
  async purgeOlderThan(days: number, limit: number): Promise<number> {
    const [result] = await this.db.raw(
      'DELETE FROM activities WHERE created_at < NOW(3) - INTERVAL ? DAY ORDER BY created_at, id LIMIT ?',
      [days, limit],
    );
    return Number((result as { affectedRows?: number }).affectedRows ?? 0);
  }
}
