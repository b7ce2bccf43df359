/**
 * Phones as the exchange's own services manage them (the management API). A number they add has been verified by
 * them, so no code is sent and `validated_at` is set at once; as in Barong, no `phone` label is written, so the
 * user's level does not move, and deleting a phone leaves the labels alone. Barong's checks, order and messages:
 * an unknown user 422 `user.doesnt_exist`; then a number that is not valid 400 `management.phone.invalid_num`,
 * verified by anybody 400 `management.phone.number_exist`, already one of the user's 400 `management.phone.exists`.
 */
import type { Phone } from '../../db/repositories/phones-repository.js';
import type { User } from '../../db/repositories/users-repository.js';
import { UniqueViolation } from '../../db/db-errors.js';
import type { Encryptor } from '../../lib/encryptor.js';
import { ManagementRefusal } from '../management/signed-request.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { parsePhoneNumber } from './phone-number.js';

const NUMBER_EXIST = 'management.phone.number_exist';
const EXISTS = 'management.phone.exists';

export interface ManagementPhoneServiceDeps {
  uow: UnitOfWork;
  encryptor: Encryptor;
}

export class ManagementPhoneService {
  constructor(private readonly d: ManagementPhoneServiceDeps) {}

  /** Every phone of the user, verified or not, in id order. */
  async list(uid: string): Promise<Phone[]> {
    const user = await this.user(uid);
    return this.d.uow.repos.phones.listByUser(user.id);
  }

  async addVerified(uid: string, rawNumber: string): Promise<Phone> {
    const user = await this.user(uid);
    const number = parsePhoneNumber(rawNumber);
    if (!number) throw new ManagementRefusal(400, 'management.phone.invalid_num');
    // Under the current index key and, while indexes are rebuilt (`secrets reindex`), the previous one.
    const indexes = this.d.encryptor.blindIndexes(number.digits);
    try {
      return await this.d.uow.run(async (w) => {
        // The locks of a code check (PhoneService), in its order: the user's row, then every row of the number, so a
        // number is never verified for two users at once, whichever API verifies it.
        await w.repos.users.lockRow(user.id);
        const rows = await w.repos.phones.lockNumber(indexes);
        if (rows.some((p) => p.validatedAt)) throw new ManagementRefusal(400, NUMBER_EXIST);
        if (rows.some((p) => p.userId === user.id)) throw new ManagementRefusal(400, EXISTS);
        const phone = {
          userId: user.id,
          country: number.country,
          numberEncrypted: this.d.encryptor.encrypt(number.digits),
          numberIndex: indexes[0]!,
        };
        return w.repos.phones.insertVerified(phone, new Date());
      });
    } catch (err) {
      if (err instanceof UniqueViolation && err.columns.includes('number_index'))
        throw new ManagementRefusal(400, EXISTS);
      throw err;
    }
  }

  /** Deletes the user's phone with this number (any state) and answers it; an invalid number is no phone of theirs. */
  async remove(uid: string, rawNumber: string): Promise<Phone> {
    const user = await this.user(uid);
    const number = parsePhoneNumber(rawNumber);
    const { phones } = this.d.uow.repos;
    const phone = number && (await phones.findByUserAndIndex(user.id, this.d.encryptor.blindIndexes(number.digits)));
    // Barong parity: the message's spelling.
    if (!phone) throw new ManagementRefusal(422, 'management.phone.doesnt_exists');
    await phones.delete(phone.id);
    return phone;
  }

  private async user(uid: string): Promise<User> {
    const user = await this.d.uow.repos.users.findByUid(uid);
    if (!user) throw new ManagementRefusal(422, 'user.doesnt_exist');
    return user;
  }
}
