/** UserWithFullInfo, in Barong's field order: the account as login, sign-up and /users/me show it. */
import parsePhoneNumber from 'libphonenumber-js';
import type { components } from '../../generated/api.js';
import type { User } from '../../db/repositories/users-repository.js';
import type { Label } from '../../db/repositories/labels-repository.js';
import type { PhoneRecord } from '../../db/repositories/phones-repository.js';
import type { ProfileRecord } from '../../db/repositories/profiles-repository.js';
import type { DataStorage } from '../../db/repositories/data-storages-repository.js';
import type { AccountDetails } from '../../domain/accounts/account-details.js';
import type { Encryptor } from '../../lib/encryptor.js';
import { isoSeconds, isoSecondsOrNull, maskDate, maskName, maskPhone } from './format.js';

type Schemas = components['schemas'];
export type UserWithFullInfo = Schemas['API_V2_Entities_UserWithFullInfo'];

export const PROFILE_STATES: Record<number, string> = { 0: 'drafted', 1: 'submitted', 3: 'verified', 4: 'rejected' };

export function presentLabel(l: Label): Schemas['API_V2_Entities_Label'] {
  return {
    key: l.key,
    value: l.value,
    scope: l.scope,
    created_at: isoSeconds(l.createdAt),
    updated_at: isoSeconds(l.updatedAt),
  };
}

/** Whether personal values are masked, as the user API shows them, or whole, as the admin API does. */
export type Masking = 'masked' | 'unmasked';

export function presentPhone(
  p: PhoneRecord,
  encryptor: Encryptor,
  masking: Masking = 'masked',
): Schemas['API_V2_Entities_Phone'] {
  const digits = encryptor.decrypt(p.numberEncrypted);
  const callingCode = parsePhoneNumber(`+${digits}`)?.countryCallingCode ?? '';
  const number = masking === 'masked' ? maskPhone(digits, callingCode) : digits;
  return { country: p.country, number, validated_at: p.validatedAt?.toISOString() ?? null };
}

export function presentProfile(
  p: ProfileRecord,
  encryptor: Encryptor,
  masking: Masking = 'masked',
): Schemas['API_V2_Entities_Profile'] {
  const lastName = encryptor.decryptNullable(p.lastNameEncrypted);
  const dob = encryptor.decryptNullable(p.dobEncrypted);
  return {
    first_name: encryptor.decryptNullable(p.firstNameEncrypted),
    last_name: masking === 'masked' ? maskName(lastName) : lastName,
    dob: masking === 'masked' ? maskDate(dob) : dob,
    address: encryptor.decryptNullable(p.addressEncrypted),
    postcode: p.postcode,
    city: p.city,
    country: p.country,
    state: PROFILE_STATES[p.state] ?? 'drafted',
    metadata: p.metadata,
    created_at: isoSeconds(p.createdAt),
    updated_at: isoSeconds(p.updatedAt),
  };
}

/** The account fields every user entity starts with, in Barong's order (`username` follows, after `csrf_token`). */
export function presentAccount(user: User, referralUid: string | null) {
  return {
    email: user.email,
    uid: user.uid,
    role: user.role,
    level: user.level,
    otp: user.otp,
    state: user.state,
    referral_uid: referralUid,
    data: user.data,
  };
}

export function presentDataStorage(s: DataStorage): Schemas['API_V2_Entities_DataStorage'] {
  return {
    title: s.title,
    data: s.data,
    created_at: isoSeconds(s.createdAt),
    updated_at: isoSecondsOrNull(s.updatedAt) ?? isoSeconds(s.createdAt),
  };
}

export class UserPresenter {
  constructor(private readonly encryptor: Encryptor) {}

  /** The account in an answer that opens no session: who and in what state, none of its personal data. */
  summary(user: User): UserWithFullInfo {
    return { email: user.email, uid: user.uid, role: user.role, level: user.level, otp: user.otp, state: user.state };
  }

  fullInfo(account: AccountDetails, csrfToken?: string): UserWithFullInfo {
    const { user, referralUid, labels, phones, profiles, dataStorages } = account;
    return {
      ...presentAccount(user, referralUid),
      ...(csrfToken ? { csrf_token: csrfToken } : {}),
      username: user.username,
      labels: labels.map(presentLabel),
      phones: phones.map((p) => presentPhone(p, this.encryptor)),
      profiles: profiles.map((p) => presentProfile(p, this.encryptor)),
      data_storages: dataStorages.map(presentDataStorage),
      created_at: isoSeconds(user.createdAt),
      updated_at: isoSeconds(user.updatedAt),
    };
  }
}
