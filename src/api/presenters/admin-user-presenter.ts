/**
 * Users as the admin API shows them (Barong's User, UserWithProfile and UserWithKYC), in Barong's field order.
 * Admins see personal data unmasked: whole last names, birth dates, phone and document numbers.
 */
import type { components } from '../../generated/api.js';
import type { User } from '../../db/repositories/users-repository.js';
import type { Label } from '../../db/repositories/labels-repository.js';
import type { Comment } from '../../db/repositories/comments-repository.js';
import type { ProfileRecord } from '../../db/repositories/profiles-repository.js';
import type { LinkedDocument, UserWithKyc } from '../../domain/admin/user-with-kyc.js';
import type { Encryptor } from '../../lib/encryptor.js';
import { isoSeconds } from './format.js';
import { presentDataStorage, presentLabel, presentPhone, presentProfile } from './user-presenter.js';

type Schemas = components['schemas'];
type UserEntity = Schemas['API_V2_Entities_User'];

export function presentUser(user: User, referralUid: string | null): UserEntity {
  const { email, uid, role, level, otp, state, data, username } = user;
  return { email, uid, role, level, otp, state, referral_uid: referralUid, data, username };
}

export function presentAdminLabel(l: Label): Schemas['API_V2_Entities_AdminLabelView'] {
  const { created_at, updated_at, ...rest } = presentLabel(l);
  return { ...rest, description: l.description, created_at, updated_at };
}

export function presentComment(c: Comment): Schemas['API_V2_Entities_Comment'] {
  return { id: c.id, author_uid: c.authorUid, title: c.title, data: c.data, created_at: isoSeconds(c.createdAt), updated_at: isoSeconds(c.updatedAt) };
}

export class AdminUserPresenter {
  constructor(private readonly encryptor: Encryptor) {}

  withProfiles(user: User, referralUid: string | null, profiles: ProfileRecord[]): Schemas['API_V2_Entities_UserWithProfile'] {
    return {
      ...presentUser(user, referralUid),
      profiles: profiles.map((p) => presentProfile(p, this.encryptor, false)),
      created_at: isoSeconds(user.createdAt),
      updated_at: isoSeconds(user.updatedAt),
    };
  }

  withKyc(k: UserWithKyc): Schemas['API_V2_Entities_UserWithKYC'] {
    return {
      ...presentUser(k.user, k.referralUid),
      profiles: k.profiles.map((p) => presentProfile(p, this.encryptor, false)),
      labels: k.labels.map(presentAdminLabel),
      phones: k.phones.map((p) => presentPhone(p, this.encryptor, false)),
      documents: k.documents.map((d) => this.document(d)),
      data_storages: k.dataStorages.map(presentDataStorage),
      comments: k.comments.map(presentComment),
      created_at: isoSeconds(k.user.createdAt),
      updated_at: isoSeconds(k.user.updatedAt),
    };
  }

  private document({ document: d, url }: LinkedDocument): Schemas['API_V2_Entities_Document'] {
    return {
      upload: url,
      doc_type: d.docType,
      doc_number: this.encryptor.decryptNullable(d.docNumberEncrypted),
      doc_expire: d.docExpire,
      metadata: d.metadata,
      created_at: isoSeconds(d.createdAt),
      updated_at: isoSeconds(d.updatedAt),
    };
  }
}
