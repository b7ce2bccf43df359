/** Phones: numbers added and verified with a code sent by SMS (or checked by Twilio Verify), or added verified by the exchange's services. */
import { PhoneCodeThrottle } from './phone-code-throttle.js';
import { PhoneService } from './phone-service.js';
import { ManagementPhoneService } from './management-phone-service.js';
import { SmsFailures } from './sms-failures.js';
import { lazyTwilioClient, TwilioVerifyCheck } from './twilio.js';
import type { AreaDeps } from '../create-shared-services.js';

export type PhoneServicesDeps = Pick<
  AreaDeps,
  'config' | 'logger' | 'redis' | 'redisKeys' | 'encryptor' | 'uow' | 'privateLabels'
>;

export interface PhoneServices {
  phones: PhoneService;
  managementPhones: ManagementPhoneService;
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
      ? { verifyCheck: new TwilioVerifyCheck(lazyTwilioClient(config.twilio), config.twilio.serviceSid ?? '') }
      : {}),
    logger: d.logger,
  });
  return { phones, managementPhones: new ManagementPhoneService({ uow: d.uow, encryptor: d.encryptor }) };
}
