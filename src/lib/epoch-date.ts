// DATETIME's range; a bound outside it would make an invalid Date.
const MAX_EPOCH_SECONDS = 253402300799;

/** A filter bound given in Unix seconds, clamped to what a DATETIME column holds. */
export const epochDate = (seconds: number) => new Date(Math.min(Math.max(seconds, 0), MAX_EPOCH_SECONDS) * 1000);

/** As epochDate; undefined stays undefined (an absent bound). */
export const optionalEpochDate = (seconds: number | undefined) =>
  seconds === undefined ? undefined : epochDate(seconds);
