/** Users in the admin API's lists: Barong's User, and UserWithProfile with the profiles unmasked. */
import type { components } from '../../generated/api.js';
import type { User } from '../../db/repositories/users-repository.js';
import type { ProfileRecord } from '../../db/repositories/profiles-repository.js';
import type { Encryptor } from '../../lib/encryptor.js';
import { isoSeconds } from './format.js';
import { presentAccount, presentProfile } from './user-presenter.js';

type Schemas = components['schemas'];

export function presentUser(user: User, referralUid: string | null): Schemas['API_V2_Entities_User'] {
  return { ...presentAccount(user, referralUid), username: user.username };
}

export function presentUserWithProfiles(
  user: User,
  referralUid: string | null,
  profiles: ProfileRecord[],
  encryptor: Encryptor,
): Schemas['API_V2_Entities_UserWithProfile'] {
  return {
    ...presentUser(user, referralUid),
    profiles: profiles.map((p) => presentProfile(p, encryptor, 'unmasked')),
    created_at: isoSeconds(user.createdAt),
    updated_at: isoSeconds(user.updatedAt),
  };
}
