/**
 * When a stored signing key signs and when it is published. A key is published (in the JWKS, accepted) from the
 * moment it is stored until `retiresAt`; it signs once `activatesAt` has passed, the newest such key winning; and
 * without any such key the configured one (JWT_PRIVATE_KEY_PATH) signs, as before any rotation.
 */
export interface ScheduledKey {
  kid: string;
  activatesAt: Date;
  retiresAt: Date | null;
  /** Its private half is at hand (not the configured key's record, not erased). */
  canSign: boolean;
}

export const isRetired = (key: Pick<ScheduledKey, 'retiresAt'>, now: Date): boolean =>
  key.retiresAt !== null && key.retiresAt <= now;

export const isWaiting = (key: Pick<ScheduledKey, 'activatesAt'>, now: Date): boolean => key.activatesAt > now;

/** The stored key that signs at `now`, or undefined when the configured key does. */
export function currentSigner<K extends ScheduledKey>(keys: readonly K[], now: Date): K | undefined {
  return keys
    .filter((k) => k.canSign && !isWaiting(k, now) && !isRetired(k, now))
    .reduce<K | undefined>((newest, k) => (!newest || k.activatesAt >= newest.activatesAt ? k : newest), undefined);
}
