/** Admin comments about a user: the author is kept as a uid, so a comment outlives its author's account. */
import type { Knex } from 'knex';
import type { Row } from '../row.js';

export interface Comment {
  id: number;
  userId: number;
  authorUid: string;
  title: string;
  data: string;
  createdAt: Date;
  updatedAt: Date;
}

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

  async findById(id: number): Promise<Comment | undefined> {
    const r = await this.db('comments').where({ id }).first();
    return r ? toComment(r) : undefined;
  }

  async insert(comment: Pick<Comment, 'userId' | 'authorUid' | 'title' | 'data'>): Promise<Comment> {
    const [id] = await this.db('comments').insert({
      user_id: comment.userId,
      author_uid: comment.authorUid,
      title: comment.title,
      data: comment.data,
    });
    return toComment(await this.db('comments').where({ id }).first());
  }

  async update(id: number, fields: { title?: string; data?: string }): Promise<void> {
    const row: Row = {};
    if (fields.title !== undefined) row.title = fields.title;
    if (fields.data !== undefined) row.data = fields.data;
    if (Object.keys(row).length) await this.db('comments').where({ id }).update(row);
  }

  async delete(id: number): Promise<void> {
    await this.db('comments').where({ id }).delete();
  }
}
