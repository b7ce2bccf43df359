/**
 * Users as the exchange's other services manage them through the management API: found by uid, e-mail or phone
 * number, listed, created as sign-up creates them (without its mail), imported from another system with their bcrypt
 * digest, a verified phone and a profile, given a role, data or a profile. A service holding a management key is
 * trusted as an admin is (it may redo a verified KYC step); its writes emit the Event API events Barong emits and
 * record no admin activity. Refusals carry Barong's messages.
 */
import type { User } from '../../db/repositories/users-repository.js';
import { UniqueViolation } from '../../db/db-errors.js';
import { notFound, unprocessable } from '../../errors/app-error.js';
import { optionalEpochDate } from '../../lib/epoch-date.js';
import type { Encryptor } from '../../lib/encryptor.js';
import type { UnitOfWork } from '../unit-of-work.js';
import type { LabelChange } from '../labels/private-labels.js';
import type { RegistrationService } from '../accounts/registration-service.js';
import type { AccountService } from '../accounts/account-service.js';
import type { ProfilesService } from '../kyc/profiles-service.js';
import type { ProfileInput } from '../kyc/profile-rules.js';
import type { UserKyc, UserKycLoader } from '../admin/user-kyc.js';
import { isBcryptDigest } from '../password-hasher.js';
import { parsePhoneNumber } from '../phones/phone-number.js';
import { ManagementRefusal } from './signed-request.js';
import { pageOf, userPage, withProfiles, type PageQuery, type UserPage, type UserWithProfiles } from './user-pages.js';

/** A service's write may undo or redo a verified step, as an admin's may. */
export const TRUSTED: LabelChange = { by: 'admin' };

const USER_DOESNT_EXIST = 'user.doesnt_exist';
const ALREADY_EXISTS = 'User already exists by this email';

/** Exactly one of the three (the API checks that). */
export interface UserLookup {
  uid?: string;
  email?: string;
  phoneNumber?: string;
}

export interface UserListQuery extends PageQuery {
  range?: 'created' | 'updated';
  /** Unix seconds. */
  from?: number;
  to?: number;
}

export interface UserImport {
  email: string;
  passwordDigest: string;
  referralUid?: string;
  phone?: string;
  profile: ProfileInput;
  /** The profile's state; drafted when not given. */
  state?: string;
}

export interface ManagementUsersDeps {
  uow: UnitOfWork;
  encryptor: Encryptor;
  registration: RegistrationService;
  accounts: AccountService;
  profiles: ProfilesService;
  kyc: UserKycLoader;
}

export class ManagementUsers {
  constructor(private readonly d: ManagementUsersDeps) {}

  /** Everything compliance sees of the user, unmasked; 404 `Record is not found`. */
  async get(lookup: UserLookup): Promise<UserKyc> {
    const user = await this.find(lookup);
    if (!user) throw notFound();
    return this.d.kyc.load(this.d.uow.repos, user);
  }

  async list(query: UserListQuery, extended: boolean): Promise<UserPage> {
    const repos = this.d.uow.repos;
    const filter = {
      range: query.range ?? 'created',
      from: optionalEpochDate(query.from),
      to: optionalEpochDate(query.to),
    } as const;
    const found = await repos.userSearch.list(filter, { orderBy: 'id', ordering: 'asc' }, pageOf(query));
    return userPage(repos, found, query, extended);
  }

  /** A pending member, as sign-up makes one: the same rules and hashing, no confirmation mail, no activity. */
  async create(input: { email: string; password: string; referralUid?: string }): Promise<UserWithProfiles> {
    const referralId = await this.referral(input.referralUid);
    const user = await this.d.registration.createAccount(
      { email: input.email, password: input.password, referralId },
      {},
      async (_w, created) => created,
    );
    return withProfiles(this.d.uow.repos, user);
  }

  async update(uid: string, fields: { role?: string; data?: string }): Promise<UserWithProfiles> {
    const user = await this.existing(uid);
    return withProfiles(this.d.uow.repos, await this.d.accounts.update(user, fields));
  }

  /**
   * The user, their phone (verified, without the `phone` label, as Barong adds it) and their profile (always one,
   * empty when no field is given, which sets the `profile` label) in one transaction: nothing stays of a refused
   * import. The e-mail is taken as given, as Barong takes it; the digest must be bcrypt's
   * (docs/parity.md#management-import).
   */
  async import(input: UserImport): Promise<UserWithProfiles> {
    if (await this.d.uow.repos.users.findByEmail(input.email)) throw new ManagementRefusal(422, ALREADY_EXISTS);
    if (!isBcryptDigest(input.passwordDigest)) throw unprocessable('password_digest.invalid');
    const referralId = await this.referral(input.referralUid);
    const number = input.phone === undefined ? undefined : parsePhoneNumber(input.phone);
    if (input.phone !== undefined && !number) throw unprocessable('number.invalid');
    const account = { email: input.email, passwordDigest: input.passwordDigest, referralId, role: 'member' };
    try {
      return await this.d.uow.run(async (w) => {
        const user = await this.d.registration.insertAccount(w, account);
        if (number) {
          const { encryptor } = this.d;
          const phone = {
            userId: user.id,
            country: number.country,
            numberEncrypted: encryptor.encrypt(number.digits),
            numberIndex: encryptor.blindIndex(number.digits),
          };
          await w.repos.phones.insertVerified(phone, new Date());
        }
        await this.d.profiles.import(w, user, input.profile, input.state ?? 'drafted', TRUSTED);
        return withProfiles(w.repos, (await w.repos.users.findById(user.id))!);
      });
    } catch (err) {
      if (err instanceof UniqueViolation && err.columns.includes('email_key'))
        throw new ManagementRefusal(422, ALREADY_EXISTS);
      throw err;
    }
  }

  /** A profile in any state (drafted when not given); answers its user. */
  async createProfile(uid: string, profile: ProfileInput, state = 'drafted'): Promise<UserWithProfiles> {
    const user = await this.existing(uid);
    return this.d.uow.run(async (w) => {
      await this.d.profiles.import(w, user, profile, state, TRUSTED);
      return withProfiles(w.repos, (await w.repos.users.findById(user.id))!);
    });
  }

  /**
   * By uid, by e-mail as every e-mail lookup here compares, or by a phone of any state with this number. Barong
   * hashes the number as given; here it is read as the phone APIs read numbers first, so `+1 202…` finds it too
   * (docs/parity.md#management-phone-lookup).
   */
  private async find(lookup: UserLookup): Promise<User | undefined> {
    const { users, phones } = this.d.uow.repos;
    if (lookup.uid !== undefined) return users.findByUid(lookup.uid);
    if (lookup.email !== undefined) return users.findByEmail(lookup.email);
    const number = parsePhoneNumber(lookup.phoneNumber ?? '');
    const phone = number && (await phones.findByIndex(this.d.encryptor.blindIndexes(number.digits)));
    return phone ? users.findById(phone.userId) : undefined;
  }

  private async existing(uid: string): Promise<User> {
    const user = await this.d.uow.repos.users.findByUid(uid);
    if (!user) throw new ManagementRefusal(422, USER_DOESNT_EXIST);
    return user;
  }

  /** Barong fails with a 500 on an unknown referrer (docs/parity.md#management-errors-instead-of-500s). */
  private async referral(uid: string | undefined): Promise<number | null> {
    if (uid === undefined) return null;
    const referrer = await this.d.uow.repos.users.findByUid(uid);
    if (!referrer) throw unprocessable('referral.doesnt_exist');
    return referrer.id;
  }
}
