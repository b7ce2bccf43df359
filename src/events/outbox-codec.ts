import type { Encryptor } from '../lib/encryptor.js';
import type { PayloadCodec } from '../db/repositories/event-outbox-repository.js';

/** Outbox payloads encrypted at rest with the personal-data keys (they hold names, birth dates, numbers). */
export function outboxCodec(encryptor: Encryptor): PayloadCodec {
  return { encode: (json) => encryptor.encrypt(json), decode: (stored) => encryptor.decrypt(stored) };
}
