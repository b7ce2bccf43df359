/**
 * Password rules: Barong's regexp (configurable) and a strength estimate from zxcvbn-ts, computed in a worker thread
 * that is there only while passwords are being checked (password-estimator.ts).
 *
 * Strength is reported as guessing entropy in bits, log2 of zxcvbn's guess estimate, and
 * `BARONG_PASSWORD_MIN_ENTROPY` is read on that same scale (default 20 bits, about a million guesses).
 * Barong ports the strong_password gem instead; its numbers differ, but the verdicts on its reference
 * passwords agree: `Password1`, `Qwerty123` are weak, `testPassword111`, `Tecohvi0`, `eeC2BiCucxWEQ` strong.
 */
import type { ErrorKey } from '../errors/error-keys.js';
import { PasswordEstimator } from './password-estimator.js';

export interface PasswordPolicyOptions {
  regexp: RegExp;
  minEntropy: number;
  useDictionary: boolean;
  /** How long the estimator's thread (and its dictionaries) stays after the last estimate, in ms. */
  estimatorIdleMs: number;
}

const MAX_ESTIMATED_LENGTH = 128;

export class PasswordPolicy {
  private readonly estimator: PasswordEstimator;

  constructor(private readonly options: PasswordPolicyOptions) {
    this.estimator = new PasswordEstimator(
      { useDictionary: options.useDictionary, maxLength: MAX_ESTIMATED_LENGTH },
      options.estimatorIdleMs,
    );
  }

  /** Bits of guessing entropy, two decimals. `relatedInputs` (email, username) count as known words. */
  async entropy(password: string, relatedInputs: string[] = []): Promise<number> {
    const normal = password.normalize('NFC').slice(0, MAX_ESTIMATED_LENGTH);
    const guessesLog10 = await this.estimator.guessesLog10(normal, relatedInputs);
    return Math.round(guessesLog10 * Math.log2(10) * 100) / 100;
  }

  /** Barong's model error codes, in its order: the pattern first, strength second. Checks the NFC form, which is
   * what PasswordHasher stores. */
  async violations(password: string, relatedInputs: string[] = []): Promise<ErrorKey[]> {
    if (!this.options.regexp.test(password.normalize('NFC'))) return ['password.requirements'];
    if ((await this.entropy(password, relatedInputs)) < this.options.minEntropy) return ['password.weak'];
    return [];
  }

  /** Ends the estimator's thread (on shutdown). */
  close(): Promise<void> {
    return this.estimator.close();
  }
}
