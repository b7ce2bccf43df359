/** Admins' comments about a user (author = the admin's uid). */
import type { Knex } from 'knex';

export interface Comment {
  id: number;
  userId: number;
  authorUid: string;
  title: string;
  data: string;
  createdAt: Date;
  updatedAt: Date;
}

type Row = Record<string, any>;

const toComment = (r: Row): Comment => ({
  id: Number(r.id),
  userId: Number(r.user_id),
  authorUid: r.author_uid,
  title: r.title,
  data: r.data,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class CommentsRepository {
  constructor(private readonly db: Knex) {}

  async listByUser(userId: number): Promise<Comment[]> {
    const rows = await this.db('comments').where({ user_id: userId }).orderBy('id');
    return rows.map(toComment);
  }
}
