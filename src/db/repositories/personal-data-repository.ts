/**
 * The SQL of a user's erasure (src/domain/accounts/account-erasure.ts), in one place so that nothing personal is
 * forgotten when a table is added: everything a user or an admin wrote about them, by table. The users row itself
 * is rewritten through UsersRepository; activities (the audit trail) are kept.
 */
import type { Knex } from 'knex';
import type { Row } from '../row.js';

export interface ErasedRecords {
  profiles: number;
  phones: number;
  documents: number;
  dataStorages: number;
  comments: number;
  apiKeys: number;
  serviceAccounts: number;
  /** Storage keys of the deleted documents' files: to be deleted from the storage once the erasure commits. */
  files: string[];
  /** Kids of the deleted API keys (the gateway authorizer forgets them). */
  kids: string[];
  /** Uids of the user's service accounts, kept (Peatio's accounts may name them) with a tombstone e-mail. */
  serviceAccountUids: string[];
}

/** An address that is unique, recognisable and deliverable nowhere (`.invalid` is reserved, RFC 2606). */
export const tombstoneEmail = (uid: string) => `erased+${uid}@invalid`;

export class PersonalDataRepository {
  constructor(private readonly db: Knex) {}

  /** Deletes and blanks everything personal of user `userId` but the users row; call inside a transaction. */
  async eraseOf(userId: number): Promise<ErasedRecords> {
    const mine = (table: string) => this.db(table).where({ user_id: userId });
    const accounts: Row[] = await this.db('service_accounts').where({ owner_id: userId }).select('id', 'uid');
    const accountIds = accounts.map((a) => Number(a.id));
    const keys = () =>
      this.db('api_keys').where((q) => {
        q.where({ key_holder_account_type: 'User', key_holder_account_id: userId });
        if (accountIds.length)
          q.orWhere((sa) =>
            sa.where({ key_holder_account_type: 'ServiceAccount' }).whereIn('key_holder_account_id', accountIds),
          );
      });

    const files: Row[] = await mine('documents').select('upload');
    const kids: Row[] = await keys().select('kid');
    const counts = {
      profiles: await mine('profiles').delete(),
      phones: await mine('phones').delete(),
      documents: await mine('documents').delete(),
      dataStorages: await mine('data_storages').delete(),
      // What admins wrote about the user is personal data about them too.
      comments: await mine('comments').delete(),
      apiKeys: await keys().delete(),
    };
    // Label keys and values are the server's vocabulary (email: verified, document: rejected) and decide the level;
    // descriptions are free text an admin may have written about the person.
    await mine('labels').whereNotNull('description').update({ description: null });
    for (const account of accounts) {
      await this.db('service_accounts')
        .where({ id: account.id })
        .update({ email: tombstoneEmail(String(account.uid)), state: 'deleted' });
    }
    return {
      ...counts,
      serviceAccounts: accounts.length,
      files: files.map((f) => String(f.upload)),
      kids: kids.map((k) => String(k.kid)),
      serviceAccountUids: accounts.map((a) => String(a.uid)),
    };
  }
}
