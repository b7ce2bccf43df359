/**
 * Password rules: Barong's regexp (configurable) and a strength estimate from zxcvbn-ts.
 *
 * Strength is reported as guessing entropy in bits, log2 of zxcvbn's guess estimate, and
 * `BARONG_PASSWORD_MIN_ENTROPY` is read on that same scale (default 20 bits, about a million guesses).
 * Barong ports the strong_password gem instead; its numbers differ, but the verdicts on its reference
 * passwords agree: `Password1`, `Qwerty123` are weak, `testPassword111`, `Tecohvi0`, `eeC2BiCucxWEQ` strong.
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';
import type { ErrorKey } from '../errors/error-keys.js';

export interface PasswordPolicyOptions {
  regexp: RegExp;
  minEntropy: number;
  useDictionary: boolean;
}

const MAX_ESTIMATED_LENGTH = 128;

export class PasswordPolicy {
  private readonly estimator: ZxcvbnFactory;

  constructor(private readonly options: PasswordPolicyOptions) {
    this.estimator = new ZxcvbnFactory({
      graphs: common.adjacencyGraphs,
      dictionary: options.useDictionary ? { ...common.dictionary, ...english.dictionary } : {},
      maxLength: MAX_ESTIMATED_LENGTH,
    });
  }

  /** Bits of guessing entropy, two decimals. `relatedInputs` (email, username) count as known words. */
  entropy(password: string, relatedInputs: string[] = []): number {
    const result = this.estimator.check(password.normalize('NFC').slice(0, MAX_ESTIMATED_LENGTH), relatedInputs);
    return Math.round(result.guessesLog10 * Math.log2(10) * 100) / 100;
  }

  /** Barong's model error codes, in its order: the pattern first, strength second. Checks the NFC form, which is
   * what PasswordHasher stores. */
  violations(password: string, relatedInputs: string[] = []): ErrorKey[] {
    if (!this.options.regexp.test(password.normalize('NFC'))) return ['password.requirements'];
    if (this.entropy(password, relatedInputs) < this.options.minEntropy) return ['password.weak'];
    return [];
  }
}
