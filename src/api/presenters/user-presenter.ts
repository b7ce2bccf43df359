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
  return { key: l.key, value: l.value, scope: l.scope, created_at: isoSeconds(l.createdAt), updated_at: isoSeconds(l.updatedAt) };
}

/** `masked`: as the owner and public views show it; admins see the whole number. */
export function presentPhone(p: PhoneRecord, encryptor: Encryptor, masked = true): Schemas['API_V2_Entities_Phone'] {
  const digits = encryptor.decrypt(p.numberEncrypted);
  const callingCode = parsePhoneNumber(`+${digits}`)?.countryCallingCode ?? '';
  return { country: p.country, number: masked ? maskPhone(digits, callingCode) : digits, validated_at: p.validatedAt?.toISOString() ?? null };
}

/** `masked`: as the owner sees it (last name and day of birth hidden); admins see both whole. */
export function presentProfile(p: ProfileRecord, encryptor: Encryptor, masked = true): Schemas['API_V2_Entities_Profile'] {
  const lastName = encryptor.decryptNullable(p.lastNameEncrypted);
  const dob = encryptor.decryptNullable(p.dobEncrypted);
  return {
    first_name: encryptor.decryptNullable(p.firstNameEncrypted),
    last_name: masked ? maskName(lastName) : lastName,
    dob: masked ? maskDate(dob) : dob,
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

export function presentDataStorage(s: DataStorage): Schemas['API_V2_Entities_DataStorage'] {
  return { title: s.title, data: s.data, created_at: isoSeconds(s.createdAt), updated_at: isoSecondsOrNull(s.updatedAt) ?? isoSeconds(s.createdAt) };
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
      email: user.email,
      uid: user.uid,
      role: user.role,
      level: user.level,
      otp: user.otp,
      state: user.state,
      referral_uid: referralUid,
      data: user.data,
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
