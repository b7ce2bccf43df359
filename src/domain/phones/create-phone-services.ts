/** Phones: numbers added and verified with a code sent by SMS (or checked by Twilio Verify). */
import type { Config } from '../../config.js';
import type { Encryptor } from '../../lib/encryptor.js';
import type { Logger } from '../../lib/logger.js';
import type { Redis, RedisKeys } from '../../lib/redis.js';
import type { UnitOfWork } from '../unit-of-work.js';
import type { PrivateLabels } from '../labels/private-labels.js';
import { PhoneCodeThrottle } from './phone-code-throttle.js';
import { PhoneService } from './phone-service.js';
import { SmsFailures } from './sms-failures.js';
import { createTwilioClient, TwilioVerifyCheck } from './twilio.js';

export interface PhoneServicesDeps {
  config: Config;
  logger: Logger;
  redis: Redis;
  redisKeys: RedisKeys;
  encryptor: Encryptor;
  uow: UnitOfWork;
  privateLabels: PrivateLabels;
}

export interface PhoneServices {
  phones: PhoneService;
}

export function createPhoneServices(d: PhoneServicesDeps): PhoneServices {
  const { config, redis, redisKeys } = d;
  const phones = new PhoneService({
    config,
    uow: d.uow,
    encryptor: d.encryptor,
    privateLabels: d.privateLabels,
    throttle: new PhoneCodeThrottle(redis, redisKeys, config.phoneCodes),
    failures: new SmsFailures(redis, redisKeys, config.phoneCodes.ttlSeconds),
    ...(config.phoneVerification === 'twilio_verify'
      ? { verifyCheck: new TwilioVerifyCheck(createTwilioClient(config.twilio), config.twilio.serviceSid ?? '') }
      : {}),
    logger: d.logger,
  });
  return { phones };
}
