/**
 * Everything compliance reviews about a user (Barong's UserWithKYC): the account views' details plus documents and
 * admins' comments. Documents carry a signed link to their file that works for BARONG_UPLOAD_AUTH_URL_EXPIRATION
 * seconds, the same short lifetime as the owner's own links; values stay as stored (the presenter decrypts them,
 * unmasked, for admins).
 */
import type { Repositories } from '../../db/repositories/index.js';
import type { User } from '../../db/repositories/users-repository.js';
import type { DocumentRecord } from '../../db/repositories/documents-repository.js';
import type { Comment } from '../../db/repositories/comments-repository.js';
import type { FileStorage } from '../../lib/storage/file-storage.js';
import { loadAccountDetails, type AccountDetails } from '../accounts/account-details.js';

export interface LinkedDocument {
  document: DocumentRecord;
  /** A link to the file that stops working after a few minutes. */
  url: string;
}

export interface UserWithKyc extends AccountDetails {
  documents: LinkedDocument[];
  comments: Comment[];
}

export class UserKycLoader {
  constructor(
    private readonly storage: FileStorage,
    private readonly linkSeconds: number,
  ) {}

  async load(repos: Repositories, user: User): Promise<UserWithKyc> {
    const [details, documents, comments] = await Promise.all([
      loadAccountDetails(repos, user),
      repos.documents.listByUser(user.id),
      repos.comments.listByUser(user.id),
    ]);
    const linked = await Promise.all(
      documents.map(async (document) => ({ document, url: await this.storage.url(document.upload, this.linkSeconds) })),
    );
    return { ...details, documents: linked, comments };
  }
}
