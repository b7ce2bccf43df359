/** Management API: users (one by uid, e-mail or phone; lists; create, update, import) and profiles. */
import type { Encryptor } from '../../lib/encryptor.js';
import type { ManagementUsers } from '../../domain/management/management-users.js';
import type { UserWithProfiles } from '../../domain/management/user-pages.js';
import type { ProfileInput } from '../../domain/kyc/profile-rules.js';
import { ManagementRefusal } from '../../domain/management/signed-request.js';
import type { UserKycPresenter } from '../presenters/user-kyc-presenter.js';
import type { Handler } from '../types.js';
import { withModelMessages } from './model-messages.js';
import { presentUserPage, presentWithProfiles } from './user-page-presenter.js';

export interface ManagementUsersRouteDeps {
  encryptor: Encryptor;
  kycPresenter: UserKycPresenter;
  managementUsers: ManagementUsers;
}

/** Grape's `exactly_one_of` and `at_least_one_of`, checked once the contract's own checks passed. */
function given(body: Record<string, unknown>, names: string[]): string[] {
  return names.filter((name) => body[name] !== undefined);
}

function exactlyOne(body: Record<string, unknown>, names: string[]): void {
  const present = given(body, names);
  if (present.length === 0)
    throw new ManagementRefusal(422, `${names.join(', ')} are missing, exactly one parameter must be provided`);
  if (present.length > 1) throw new ManagementRefusal(422, `${present.join(', ')} are mutually exclusive`);
}

function atLeastOne(body: Record<string, unknown>, names: string[]): void {
  if (!given(body, names).length)
    throw new ManagementRefusal(422, `${names.join(', ')} are missing, at least one parameter must be provided`);
}

/** The profile's fields among the parameters: keys an operation does not declare are ignored, as Barong ignores them. */
function profileOf(body: ProfileInput): ProfileInput {
  const { first_name, last_name, dob, address, postcode, city, country, metadata } = body;
  return { first_name, last_name, dob, address, postcode, city, country, metadata };
}

export function createManagementUsersHandlers(d: ManagementUsersRouteDeps) {
  const users = d.managementUsers;
  const withProfiles = (u: UserWithProfiles) => presentWithProfiles(u, d.encryptor);

  const managementGetUser: Handler<'managementGetUser'> = async (req) => {
    exactlyOne(req.body, ['uid', 'email', 'phone_num']);
    const { uid, email, phone_num: phoneNumber } = req.body;
    return { status: 201, body: d.kycPresenter.present(await users.get({ uid, email, phoneNumber })) };
  };

  const managementListUsers: Handler<'managementListUsers'> = async (req) => {
    const { extended, ...query } = req.body;
    return presentUserPage(await users.list(query, extended ?? false), d.encryptor);
  };

  const managementCreateUser: Handler<'managementCreateUser'> = async (req) => {
    const { email, password, referral_uid: referralUid } = req.body;
    return {
      status: 201,
      body: withProfiles(await withModelMessages(() => users.create({ email, password, referralUid }))),
    };
  };

  const managementUpdateUser: Handler<'managementUpdateUser'> = async (req) => {
    atLeastOne(req.body, ['role', 'data']);
    const { uid, role, data } = req.body;
    return { status: 201, body: withProfiles(await withModelMessages(() => users.update(uid, { role, data }))) };
  };

  const managementImportUser: Handler<'managementImportUser'> = async (req) => {
    const { email, password_digest: passwordDigest, referral_uid: referralUid, phone, state } = req.body;
    // Barong's import takes no metadata.
    const profile = { ...profileOf(req.body), metadata: undefined };
    return {
      status: 201,
      body: withProfiles(
        await withModelMessages(() => users.import({ email, passwordDigest, referralUid, phone, state, profile })),
      ),
    };
  };

  const managementCreateProfile: Handler<'managementCreateProfile'> = async (req) => {
    const { uid, state } = req.body;
    return {
      status: 201,
      body: withProfiles(await withModelMessages(() => users.createProfile(uid, profileOf(req.body), state))),
    };
  };

  return {
    managementGetUser,
    managementListUsers,
    managementCreateUser,
    managementUpdateUser,
    managementImportUser,
    managementCreateProfile,
  };
}
