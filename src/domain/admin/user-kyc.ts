/**
 * What compliance reviews of a user (the admin API's UserWithKYC): the account views' details plus the documents,
 * each with a link to its file, and the admins' comments. Values stay encrypted here; the presenter decrypts them
 * unmasked. The links expire after the upload-link lifetime, so one copied out of a back office soon stops working.
 */
import type { Repositories } from '../../db/repositories/index.js';
import type { User } from '../../db/repositories/users-repository.js';
import type { DocumentRecord } from '../../db/repositories/documents-repository.js';
import type { Comment } from '../../db/repositories/comments-repository.js';
import type { FileStorage } from '../../lib/storage/file-storage.js';
import { loadAccountDetails, type AccountDetails } from '../accounts/account-details.js';

export interface KycDocument extends DocumentRecord {
  /** A signed, short-lived link to the file. */
  url: string;
}

export interface UserKyc extends AccountDetails {
  documents: KycDocument[];
  comments: Comment[];
}

export interface UserKycLoaderDeps {
  storage: FileStorage;
  linkSeconds: number;
}

export class UserKycLoader {
  constructor(private readonly d: UserKycLoaderDeps) {}

  /** Reads through `repos`, so a write can answer with what its own transaction sees. */
  async load(repos: Repositories, user: User): Promise<UserKyc> {
    const [details, documents, comments] = await Promise.all([
      loadAccountDetails(repos, user),
      repos.documents.listByUser(user.id),
      repos.comments.listByUser(user.id),
    ]);
    const linked = await Promise.all(
      documents.map(async (doc) => ({ ...doc, url: await this.d.storage.url(doc.upload, this.d.linkSeconds) })),
    );
    return { ...details, documents: linked, comments };
  }
}
