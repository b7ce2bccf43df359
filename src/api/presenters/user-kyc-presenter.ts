/** The admin API's UserWithKYC, in Barong's field order: everything compliance reviews of a user, unmasked. */
import type { components } from '../../generated/api.js';
import type { Label } from '../../db/repositories/labels-repository.js';
import type { Comment } from '../../db/repositories/comments-repository.js';
import type { KycDocument, UserKyc } from '../../domain/admin/user-kyc.js';
import type { Encryptor } from '../../lib/encryptor.js';
import { isoSeconds } from './format.js';
import { presentAccount, presentDataStorage, presentPhone, presentProfile } from './user-presenter.js';

type Schemas = components['schemas'];
export type UserWithKyc = Schemas['API_V2_Entities_UserWithKYC'];

export function presentAdminLabel(l: Label): Schemas['API_V2_Entities_AdminLabelView'] {
  return {
    key: l.key,
    value: l.value,
    scope: l.scope,
    description: l.description,
    created_at: isoSeconds(l.createdAt),
    updated_at: isoSeconds(l.updatedAt),
  };
}

export function presentComment(c: Comment): Schemas['API_V2_Entities_Comment'] {
  return {
    id: c.id,
    author_uid: c.authorUid,
    title: c.title,
    data: c.data,
    created_at: isoSeconds(c.createdAt),
    updated_at: isoSeconds(c.updatedAt),
  };
}

export class UserKycPresenter {
  constructor(private readonly encryptor: Encryptor) {}

  present(kyc: UserKyc): UserWithKyc {
    const { user } = kyc;
    return {
      ...presentAccount(user, kyc.referralUid),
      username: user.username,
      profiles: kyc.profiles.map((p) => presentProfile(p, this.encryptor, 'unmasked')),
      labels: kyc.labels.map(presentAdminLabel),
      phones: kyc.phones.map((p) => presentPhone(p, this.encryptor, 'unmasked')),
      documents: kyc.documents.map((d) => this.document(d)),
      data_storages: kyc.dataStorages.map(presentDataStorage),
      comments: kyc.comments.map(presentComment),
      created_at: isoSeconds(user.createdAt),
      updated_at: isoSeconds(user.updatedAt),
    };
  }

  /** The whole document number (the user API masks it). */
  document(d: KycDocument): Schemas['API_V2_Entities_Document'] {
    return {
      upload: d.url,
      doc_type: d.docType,
      doc_number: this.encryptor.decryptNullable(d.docNumberEncrypted),
      doc_expire: d.docExpire,
      metadata: d.metadata,
      created_at: isoSeconds(d.createdAt),
      updated_at: isoSeconds(d.updatedAt),
    };
  }
}
