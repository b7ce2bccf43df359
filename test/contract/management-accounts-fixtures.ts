/**
 * Dredd fixtures for the management API's phones, documents, service accounts, API keys and otp/sign
 * (hooks/management-accounts.cjs): active users, a phone to delete, service accounts (one to read and move, one to
 * disable, one with a key to change) and a 2FA user whose code otp/sign spends. Made through the repositories, so
 * no management transaction depends on another.
 */
import { generateSecret } from 'otplib';
import type { Services } from '../../src/compose.js';
import type { User } from '../../src/db/repositories/users-repository.js';
import { newUid } from '../../src/domain/accounts/uid.js';
import { newKid, newSecret } from '../../src/domain/api-keys/api-key-rules.js';

/** The number a fixture user has, for phones/delete (phones/create adds the documented one). */
const PHONE = '12025550181';

export async function createManagementAccountsFixtures(services: Services, passwordDigest: string) {
  const { uow, privateLabels, encryptor, serviceAccountService } = services;
  const user = (name: string, otpSecret?: string): Promise<User> =>
    uow.run(async (w) => {
      const uid = await newUid(w.repos, services.config.app.uidPrefix);
      const inserted = await w.repos.users.insert({
        uid,
        email: `dredd.mgn.${name}@example.com`,
        passwordDigest,
        role: 'member',
        state: 'pending',
        level: 0,
      });
      if (otpSecret)
        await w.repos.users.update(inserted.id, { otp: true, otpSecretEncrypted: encryptor.encrypt(otpSecret) });
      return privateLabels.set(w, { ...inserted, otp: Boolean(otpSecret) }, 'email', 'verified');
    });

  const phones = await user('phones');
  await uow.repos.phones.insertVerified(
    {
      userId: phones.id,
      country: 'US',
      numberEncrypted: encryptor.encrypt(PHONE),
      numberIndex: encryptor.blindIndex(PHONE),
    },
    new Date(),
  );
  const owner = await user('owner');
  const newOwner = await user('new-owner');
  const [read, disable, keyed] = [
    await serviceAccountService.create(owner),
    await serviceAccountService.create(owner),
    await serviceAccountService.create(owner),
  ];
  const kid = await newKid(uow.repos);
  await uow.repos.apiKeys.insert(
    { type: 'ServiceAccount', id: keyed.id },
    { kid, algorithm: 'HS256', scope: ['trade'], secretEncrypted: encryptor.encrypt(newSecret()), state: 'active' },
  );
  const otpSecret = generateSecret();
  const otp = await user('otp', otpSecret);

  return {
    mgnPhones: { uid: phones.uid, number: PHONE },
    mgnPhonesNew: { uid: (await user('phones-new')).uid },
    mgnDocuments: { uid: (await user('documents')).uid },
    mgnServiceAccounts: {
      ownerUid: owner.uid,
      newOwnerUid: newOwner.uid,
      readUid: read.uid,
      disableUid: disable.uid,
      keyedUid: keyed.uid,
      kid,
    },
    mgnOtp: { uid: otp.uid, otpSecret },
  };
}
