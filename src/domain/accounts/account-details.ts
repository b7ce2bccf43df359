/** Everything the account views (UserWithFullInfo) show of a user, read in one go. */
import type { Repositories } from '../../db/repositories/index.js';
import type { User } from '../../db/repositories/users-repository.js';
import type { Label } from '../../db/repositories/labels-repository.js';
import type { PhoneRecord } from '../../db/repositories/phones-repository.js';
import type { ProfileRecord } from '../../db/repositories/profiles-repository.js';
import type { DataStorage } from '../../db/repositories/data-storages-repository.js';

export interface AccountDetails {
  user: User;
  referralUid: string | null;
  labels: Label[];
  phones: PhoneRecord[];
  profiles: ProfileRecord[];
  dataStorages: DataStorage[];
}

export async function loadAccountDetails(repos: Repositories, user: User): Promise<AccountDetails> {
  const [referralUid, labels, phones, profiles, dataStorages] = await Promise.all([
    repos.users.uidOf(user.referralId),
    repos.labels.listByUser(user.id),
    repos.phones.listByUser(user.id),
    repos.profiles.listByUser(user.id),
    repos.dataStorages.listByUser(user.id),
  ]);
  return { user, referralUid, labels, phones, profiles, dataStorages };
}
