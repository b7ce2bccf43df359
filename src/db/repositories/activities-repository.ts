import type { Knex } from 'knex';
import type { Row } from '../row.js';

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

const USER_AGENT_MAX = 1024;

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
    const rows = await this.filtered(f).orderBy('id', 'desc').offset((page - 1) * limit).limit(limit);
    return rows.map((r: Row) => ({
      id: Number(r.id),
      userId: r.user_id === null ? null : Number(r.user_id),
      userIp: r.user_ip,
      userIpCountry: r.user_ip_country,
      userAgent: r.user_agent,
      topic: r.topic,
      action: r.action,
      result: r.result,
      data: r.data,
      createdAt: r.created_at,
    }));
  }
}
