/** /resource/profiles: the signed-in user's KYC profile. Masking is the presenter's. */
import type { Encryptor } from '../../lib/encryptor.js';
import type { ProfilesService } from '../../domain/kyc/profiles-service.js';
import { notFound } from '../../errors/app-error.js';
import { presentProfile } from '../presenters/user-presenter.js';
import type { Handler } from '../types.js';
import { currentUser } from './current-user.js';

export interface ProfilesHandlerDeps {
  profiles: ProfilesService;
  encryptor: Encryptor;
}

export function createProfilesHandlers(d: ProfilesHandlerDeps) {
  const present = (p: Parameters<typeof presentProfile>[0]) => presentProfile(p, d.encryptor);

  const getMyProfiles: Handler<'getMyProfiles'> = async (req) => {
    const profiles = await d.profiles.list(currentUser(req));
    // The seed's 404 "User has no profile" (Barong answers 200 []).
    if (profiles.length === 0) throw notFound('record.not_found');
    return { status: 200, body: profiles.map(present) };
  };

  const createProfile: Handler<'createProfile'> = async (req) => {
    const profile = await d.profiles.create(currentUser(req), req.body ?? {});
    return { status: 201, body: present(profile) };
  };

  const updateProfile: Handler<'updateProfile'> = async (req) => {
    const profile = await d.profiles.update(currentUser(req), req.body ?? {});
    return { status: 200, body: present(profile) };
  };

  return { getMyProfiles, createProfile, updateProfile };
}
