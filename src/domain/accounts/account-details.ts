/** Everything the account views (UserWithFullInfo) show of a user, read in one go. */
import type { Repositories } from '../../db/repositories/index.js';
import type { User } from '../../db/repositories/users-repository.js';
import type { AccountLists } from '../../db/repositories/account-details-repository.js';

export interface AccountDetails extends AccountLists {
  user: User;
}

/** One statement (AccountDetailsRepository); the user's row is the caller's, already read. */
export async function loadAccountDetails(repos: Repositories, user: User): Promise<AccountDetails> {
  return { user, ...(await repos.accountDetails.forUser(user.id, user.referralId)) };
}
