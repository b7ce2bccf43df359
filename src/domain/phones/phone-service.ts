/**
 * Phones of the signed-in user: add a number, (re)send its code, verify it.
 * The checks and their order are Barong's: invalid number → 400 invalid_num; verified by anybody → 400
 * number_exist; (not) the user's → 400 exists / 404 doesnt_exist; wrong code → 404 verification_invalid.
 * Codes are sent by the SMS worker after the commit (PHONE_CODE_REQUESTED → `sms` queue).
 */
import type { Config } from '../../config/index.js';
import type { User } from '../../db/repositories/users-repository.js';
import type { Phone } from '../../db/repositories/phones-repository.js';
import { UniqueViolation } from '../../db/db-errors.js';
import { AppError, badRequest, notFound } from '../../errors/app-error.js';
import type { Encryptor } from '../../lib/encryptor.js';
import type { Logger } from '../../lib/logger.js';
import type { PrivateLabels } from '../labels/private-labels.js';
import type { UnitOfWork, Work } from '../unit-of-work.js';
import { PhoneCodeDigest } from './phone-codes.js';
import { PhoneChallenges } from './phone-challenges.js';
import type { PhoneCodeThrottle } from './phone-code-throttle.js';
import type { PhoneChannel } from './phone-events.js';
import { parsePhoneNumber, type PhoneNumber } from './phone-number.js';
import type { SmsFailures } from './sms-failures.js';
import { classifyTwilioError, type TwilioVerifyCheck } from './twilio.js';

const INVALID_NUM = 'resource.phone.invalid_num';
const NUMBER_EXIST = 'resource.phone.number_exist';
const EXISTS = 'resource.phone.exists';
const DOESNT_EXIST = 'resource.phone.doesnt_exist';
const VERIFICATION_INVALID = 'resource.phone.verification_invalid';

export interface PhoneServiceDeps {
  config: Pick<Config, 'phoneVerification' | 'phoneCodes' | 'devInbox'>;
  uow: UnitOfWork;
  encryptor: Encryptor;
  privateLabels: PrivateLabels;
  throttle: PhoneCodeThrottle;
  failures: SmsFailures;
  /** Required with twilio_verify. */
  verifyCheck?: TwilioVerifyCheck;
  logger: Logger;
}

interface Target {
  number: PhoneNumber;
  /** Under the current blind-index key (new rows, digests, throttles); `indexes`: under each key, as rows may be. */
  index: string;
  indexes: string[];
}

type Outcome = User | 'number_exist' | 'doesnt_exist' | 'invalid';

export class PhoneService {
  private readonly digests: PhoneCodeDigest;
  private readonly challenges: PhoneChallenges;

  constructor(private readonly d: PhoneServiceDeps) {
    this.digests = new PhoneCodeDigest(d.encryptor);
    this.challenges = new PhoneChallenges(d.config, d.encryptor, this.digests);
    if (d.config.phoneVerification === 'twilio_verify' && !d.verifyCheck)
      throw new Error('twilio_verify needs a TwilioVerifyCheck');
    if (d.config.phoneVerification === 'mock' && d.config.devInbox) {
      d.logger.info('BARONG_PHONE_VERIFICATION=mock: phone codes go to the development inbox, not to phones');
    } else if (d.config.phoneVerification === 'mock') {
      d.logger.warn('BARONG_PHONE_VERIFICATION=mock: phone codes are not sent, so phones cannot be verified');
    }
  }

  list(user: User): Promise<Phone[]> {
    return this.d.uow.repos.phones.listByUser(user.id);
  }

  /** Adds the number and sends it a code; answers the channel the code goes by. */
  async add(user: User, rawNumber: string, channel?: PhoneChannel): Promise<PhoneChannel> {
    const target = await this.unverifiedTarget(rawNumber);
    await this.requireOpenStep(user);
    if (await this.d.uow.repos.phones.findByUserAndIndex(user.id, target.indexes)) throw badRequest(EXISTS);
    await this.d.throttle.take(target.index, user.id);
    const used = this.challenges.channel(channel);
    try {
      await this.d.uow.run(async (w) => {
        const { challenge, code } = this.challenges.make(user.id, target.index);
        const phone = await w.repos.phones.insert(
          {
            userId: user.id,
            country: target.number.country,
            numberEncrypted: this.d.encryptor.encrypt(target.number.digits),
            numberIndex: target.index,
          },
          challenge,
        );
        this.challenges.requestSend(
          w,
          phone.id,
          target.number,
          code,
          used,
          challenge.codeSentAt,
          challenge.codeExpiresAt,
        );
      });
    } catch (err) {
      if (err instanceof UniqueViolation && err.columns.includes('number_index')) throw badRequest(EXISTS);
      throw err;
    }
    return used;
  }

  /**
   * Sends a new code (the previous one stops working). Barong resends the same code, which never expires; ours
   * expire, so each send makes a fresh one. If the previous SMS failed, this call reports why (422) instead.
   */
  async sendCode(user: User, rawNumber: string, channel?: PhoneChannel): Promise<PhoneChannel> {
    const target = await this.unverifiedTarget(rawNumber);
    await this.requireOpenStep(user);
    const phone = await this.ownPhone(user, target);
    const failure = await this.d.failures.find(phone.id, phone.codeSentAt);
    if (failure) {
      // Reported once: the next send_code tries again.
      await this.d.failures.clear(phone.id);
      throw new AppError(422, failure.key);
    }
    await this.d.throttle.take(target.index, user.id);
    const used = this.challenges.channel(channel);
    await this.d.uow.run(async (w) => {
      const { challenge, code } = this.challenges.make(user.id, target.index);
      await w.repos.phones.startChallenge(phone.id, challenge);
      this.challenges.requestSend(
        w,
        phone.id,
        target.number,
        code,
        used,
        challenge.codeSentAt,
        challenge.codeExpiresAt,
      );
    });
    return used;
  }

  /** Verifies the number with its code: `validated_at`, private label `phone: verified`; answers the updated user. */
  async verify(user: User, rawNumber: string, code: string): Promise<User> {
    const target = await this.unverifiedTarget(rawNumber);
    await this.requireOpenStep(user);
    const phone = await this.ownPhone(user, target);
    const failure = await this.d.failures.find(phone.id, phone.codeSentAt);
    if (failure) throw new AppError(422, failure.key);
    const outcome =
      this.d.config.phoneVerification === 'twilio_verify'
        ? await this.verifyWithTwilio(user, target, code)
        : await this.verifyOwnCode(user, target, code);
    if (outcome === 'number_exist') throw badRequest(NUMBER_EXIST);
    if (outcome === 'doesnt_exist') throw notFound(DOESNT_EXIST);
    if (outcome === 'invalid') throw notFound(VERIFICATION_INVALID);
    return outcome;
  }

  /** twilio_sms and mock: our code, single use, until it expires or runs out of tries. */
  private verifyOwnCode(user: User, target: Target, code: string): Promise<Outcome> {
    const { maxAttempts } = this.d.config.phoneCodes;
    return this.d.uow.run(async (w) => {
      const locked = await this.lockedPhone(w, user, target);
      if (typeof locked === 'string') return locked;
      if (!locked.codeDigest || !this.pending(locked)) return 'invalid';
      if (!this.digests.matches(locked.codeDigest, user.id, target.index, code)) {
        const attempts = locked.codeAttempts + 1;
        // Committed although the request fails: the tries count.
        await w.repos.phones.recordAttempt(locked.id, attempts, attempts >= maxAttempts);
        return 'invalid';
      }
      return this.markVerified(w, user, locked);
    });
  }

  /** twilio_verify: Twilio holds the code. A try is counted (committed) before Twilio is asked. */
  private async verifyWithTwilio(user: User, target: Target, code: string): Promise<Outcome> {
    const { maxAttempts } = this.d.config.phoneCodes;
    const taken = await this.d.uow.run(async (w): Promise<Outcome | 'taken'> => {
      const locked = await this.lockedPhone(w, user, target);
      if (typeof locked === 'string') return locked;
      if (!this.pending(locked)) return 'invalid';
      const attempts = locked.codeAttempts + 1;
      await w.repos.phones.recordAttempt(locked.id, attempts, attempts >= maxAttempts);
      return 'taken';
    });
    if (taken !== 'taken') return taken;

    let approved: boolean;
    try {
      approved = await this.d.verifyCheck!.approved(target.number.e164, code.trim());
    } catch (err) {
      const failure = classifyTwilioError(err);
      if (failure.key === VERIFICATION_INVALID) return 'invalid';
      this.d.logger.warn({ reason: failure.summary, key: failure.key, userId: user.id }, 'Twilio Verify check failed');
      throw new AppError(422, failure.key, { cause: err });
    }
    if (!approved) return 'invalid';
    return this.d.uow.run(async (w) => {
      const locked = await this.lockedPhone(w, user, target);
      return typeof locked === 'string' ? locked : this.markVerified(w, user, locked);
    });
  }

  /**
   * The user's phone row for this number, locked with every row of the number; or why there is none. The user's
   * row is locked first, as every change of their labels does (PrivateLabels), so two numbers verified at once
   * are decided one after the other.
   */
  private async lockedPhone(w: Work, user: User, target: Target): Promise<Phone | 'number_exist' | 'doesnt_exist'> {
    await w.repos.users.lockRow(user.id);
    const rows = await w.repos.phones.lockNumber(target.indexes);
    if (rows.some((p) => p.validatedAt)) return 'number_exist';
    return rows.find((p) => p.userId === user.id) ?? 'doesnt_exist';
  }

  private pending(phone: Phone): boolean {
    return (
      phone.codeExpiresAt !== null &&
      phone.codeExpiresAt.getTime() > Date.now() &&
      phone.codeAttempts < this.d.config.phoneCodes.maxAttempts
    );
  }

  private async markVerified(w: Work, user: User, phone: Phone): Promise<User> {
    await w.repos.phones.markVerified(phone.id, new Date());
    const current = (await w.repos.users.findById(user.id)) ?? user;
    return this.d.privateLabels.set(w, current, 'phone', 'verified');
  }

  /**
   * Once the phone step is verified, only an admin reopens it (PrivateLabels' rule); asked after Barong's checks
   * of the number, before any code is sent or checked.
   */
  private requireOpenStep(user: User): Promise<void> {
    return this.d.privateLabels.assertUserMayChange(this.d.uow.repos.labels, user, 'phone', 'verified');
  }

  private async unverifiedTarget(rawNumber: string): Promise<Target> {
    const number = parsePhoneNumber(rawNumber);
    if (!number) throw badRequest(INVALID_NUM);
    const indexes = this.d.encryptor.blindIndexes(number.digits);
    if (await this.d.uow.repos.phones.verifiedExists(indexes)) throw badRequest(NUMBER_EXIST);
    return { number, index: indexes[0]!, indexes };
  }

  private async ownPhone(user: User, target: Target): Promise<Phone> {
    const phone = await this.d.uow.repos.phones.findByUserAndIndex(user.id, target.indexes);
    if (!phone) throw notFound(DOESNT_EXIST);
    return phone;
  }
}
