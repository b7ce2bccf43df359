/**
 * Dredd fixtures for the TOTP, API-key and service-account operations (hooks/keys.cjs). A TOTP code is accepted
 * once per time step, and a 2FA fixture's login spends the current step, so every transaction that spends a code
 * acts as its own user (offset +1 after the login); keys and service accounts are made here, through the
 * repositories, so no transaction needs a second code.
 */
import { API_KEY_CHANGED } from '../../src/domain/authz/authorizer-invalidation.js';
import { generateSecret } from 'otplib';
import type { Services } from '../../src/compose.js';
import type { KeyHolder } from '../../src/db/repositories/api-keys-repository.js';
import { newUid } from '../../src/domain/accounts/uid.js';
import { newKid, newSecret } from '../../src/domain/api-keys/api-key-rules.js';

export interface KeysFixture {
  email: string;
  uid: string;
  password: string;
  otpSecret?: string;
  kid?: string;
  serviceAccountUid?: string;
  /** otpLimited only: the kid of its own API key (`kid` is its service account's). */
  userKid?: string;
}

export async function createKeysFixtures(services: Services, password: string): Promise<Record<string, KeysFixture>> {
  const { uow, hasher, privateLabels, encryptor, serviceAccountService } = services;
  const passwordDigest = await hasher.hash(password);

  const user = async (name: string, twoFactor: boolean): Promise<KeysFixture> => {
    const otpSecret = twoFactor ? generateSecret() : undefined;
    const created = await uow.run(async (w) => {
      const uid = await newUid(w.repos, services.config.app.uidPrefix);
      const email = `dredd.${name.toLowerCase()}@example.com`;
      const inserted = await w.repos.users.insert({
        uid,
        email,
        passwordDigest,
        role: 'member',
        state: 'pending',
        level: 0,
      });
      if (otpSecret)
        await w.repos.users.update(inserted.id, { otp: true, otpSecretEncrypted: encryptor.encrypt(otpSecret) });
      return privateLabels.set(w, { ...inserted, otp: Boolean(otpSecret) }, 'email', 'verified');
    });
    return { email: created.email, uid: created.uid, password, ...(otpSecret ? { otpSecret } : {}) };
  };
  const key = (holder: KeyHolder) =>
    uow.run(async (w) => {
      const kid = await newKid(w.repos);
      const secretEncrypted = encryptor.encrypt(newSecret());
      await w.repos.apiKeys.insert(holder, {
        kid,
        algorithm: 'HS256',
        scope: ['read', 'trade'],
        secretEncrypted,
        state: 'active',
      });
      w.emit(API_KEY_CHANGED, { kid }); // as the service does: the gateway authorizer learns the kid
      return kid;
    });
  const withKey = async (f: KeysFixture): Promise<KeysFixture> => {
    const found = (await uow.repos.users.findByUid(f.uid))!;
    return { ...f, kid: await key({ type: 'User', id: found.id }) };
  };
  const withAccount = async (f: KeysFixture, keyed: boolean): Promise<KeysFixture> => {
    const owner = (await uow.repos.users.findByUid(f.uid))!;
    const account = await serviceAccountService.create(owner);
    const kid = keyed ? await key({ type: 'ServiceAccount', id: account.id }) : undefined;
    return { ...f, serviceAccountUid: account.uid, ...(kid ? { kid } : {}) };
  };

  return {
    otpQr: await user('otp.qr', false),
    otpEnable: await user('otp.enable', false),
    otpVerify: await user('otp.verify', true),
    otpDisable: await user('otp.disable', true),
    keysList: await withKey(await user('keys.list', true)),
    keysCreate: await user('keys.create', true),
    keysUpdate: await withKey(await user('keys.update', true)),
    keysDelete: await withKey(await user('keys.delete', true)),
    saList: await withAccount(await user('sa.list', true), true),
    saCreate: await withAccount(await user('sa.create', true), false),
    saUpdate: await withAccount(await user('sa.update', true), true),
    saDelete: await withAccount(await user('sa.delete', true), true),
    saNo2fa: await withAccount(await user('sa.no2fa', false), true),
    // The 429s of code-spending operations (hooks/keys.cjs): its one TOTP budget is spent, then every code is refused.
    otpLimited: await (async () => {
      const keyed = await withKey(await user('otp.limited', true));
      return { ...(await withAccount(keyed, true)), userKid: keyed.kid };
    })(),
  };
}
