/** Barong's User entity (a service account's owner, admin lists), in its field order. */
import type { components } from '../../generated/api.js';
import type { User } from '../../db/repositories/users-repository.js';

export function presentUser(u: User, referralUid: string | null): components['schemas']['API_V2_Entities_User'] {
  return {
    email: u.email,
    uid: u.uid,
    role: u.role,
    level: u.level,
    otp: u.otp,
    state: u.state,
    referral_uid: referralUid,
    data: u.data,
    username: u.username,
  };
}
