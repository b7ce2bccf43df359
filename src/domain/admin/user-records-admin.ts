/**
 * An admin's work on a user's records: deleting a data-storage record, and the admins' own comments about the
 * user. Each write records its admin activity in its transaction and answers what compliance sees of the user
 * afterwards, read in the same transaction.
 */
import { notFound, unprocessable } from '../../errors/app-error.js';
import type { User } from '../../db/repositories/users-repository.js';
import type { Comment } from '../../db/repositories/comments-repository.js';
import type { UnitOfWork, Work } from '../unit-of-work.js';
import { recordAdminActivity, type AdminActor } from './admin-actor.js';
import type { UserKyc, UserKycLoader } from './user-kyc.js';

export interface UserRecordsAdminDeps {
  uow: UnitOfWork;
  kyc: UserKycLoader;
}

/** The `comments.data` column is a TEXT: 65535 bytes, fewer characters than the contract's limit once they are multi-byte. */
const COMMENT_DATA_MAX_BYTES = 65_535;

export interface CommentInput {
  title?: string;
  data?: string;
}

export class UserRecordsAdmin {
  constructor(private readonly d: UserRecordsAdminDeps) {}

  /** The user an admin names by uid: 404 `admin.user.doesnt_exist` when there is none. */
  async target(uid: string, w: Pick<Work, 'repos'> = this.d.uow): Promise<User> {
    const user = await w.repos.users.findByUid(uid);
    if (!user) throw notFound('admin.user.doesnt_exist');
    return user;
  }

  /** Barong parity: the private `<title>: recorded` label the record added stays. */
  deleteDataStorage(actor: AdminActor, uid: string, title: string): Promise<UserKyc> {
    return this.d.uow.run(async (w) => {
      const user = await this.target(uid, w);
      // A superadmin's records are theirs and other superadmins' to change (docs/parity.md#a-superadmins-data-storage).
      if (user.role === 'superadmin' && actor.user.role !== 'superadmin')
        throw unprocessable('admin.user.superadmin_change');
      const record = await w.repos.dataStorages.findByTitle(user.id, title);
      if (!record) throw notFound('admin.storage.doesnt_exist');
      await w.repos.dataStorages.delete(record.id);
      await recordAdminActivity(w, actor, {
        topic: 'users',
        action: 'delete',
        targetUid: user.uid,
        params: { uid, title },
      });
      return this.d.kyc.load(w.repos, user);
    });
  }

  /** Any admin may comment on any user, themselves and superadmins included, as in Barong: a comment changes nothing. */
  addComment(actor: AdminActor, uid: string, input: Required<CommentInput>): Promise<UserKyc> {
    checkData(input.data);
    return this.d.uow.run(async (w) => {
      const user = await this.target(uid, w);
      await w.repos.comments.insert({
        userId: user.id,
        authorUid: actor.user.uid,
        title: input.title,
        data: input.data,
      });
      await recordAdminActivity(w, actor, {
        topic: 'users',
        action: 'create',
        targetUid: user.uid,
        params: { uid, ...input },
      });
      return this.d.kyc.load(w.repos, user);
    });
  }

  /** Any admin's comment, as in Barong. */
  editComment(actor: AdminActor, id: number, input: CommentInput): Promise<UserKyc> {
    checkData(input.data);
    return this.onComment(id, async (w, comment, user) => {
      await w.repos.comments.update(comment.id, input);
      await recordAdminActivity(w, actor, {
        topic: 'users',
        action: 'update',
        targetUid: user.uid,
        params: { id, ...input },
      });
    });
  }

  deleteComment(actor: AdminActor, id: number): Promise<UserKyc> {
    return this.onComment(id, async (w, comment, user) => {
      await w.repos.comments.delete(comment.id);
      await recordAdminActivity(w, actor, { topic: 'users', action: 'delete', targetUid: user.uid, params: { id } });
    });
  }

  /** Barong answers its generic 404 `record.not_found` for an unknown comment id. */
  private onComment(id: number, change: (w: Work, comment: Comment, user: User) => Promise<void>): Promise<UserKyc> {
    return this.d.uow.run(async (w) => {
      const comment = await w.repos.comments.findById(id);
      const user = comment && (await w.repos.users.findById(comment.userId));
      if (!comment || !user) throw notFound();
      await change(w, comment, user);
      return this.d.kyc.load(w.repos, user);
    });
  }
}

function checkData(data: string | undefined): void {
  if (data !== undefined && Buffer.byteLength(data, 'utf8') > COMMENT_DATA_MAX_BYTES)
    throw unprocessable('admin.comments.data_too_long');
}
