import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { defineArea } from './area.js';
import { bool, int, str } from './values.js';

// Barong's default, written with POSIX classes as in barong.yml; translated for JavaScript below.
export const BARONG_DEFAULT_PASSWORD_REGEXP =
  '^(?=.*[[:lower:]])(?=.*[[:upper:]])(?=.*[[:digit:]])(?=.*[[:graph:]]).{8,80}$';

const POSIX_CLASSES: Record<string, string> = {
  '[[:lower:]]': '\\p{Ll}',
  '[[:upper:]]': '\\p{Lu}',
  '[[:digit:]]': '\\p{Nd}',
  '[[:alpha:]]': '\\p{L}',
  '[[:alnum:]]': '[\\p{L}\\p{Nd}]',
  '[[:graph:]]': '[^\\s\\p{C}]',
};

/** Accepts Barong's Ruby-style pattern (POSIX classes) as well as a plain JavaScript one. */
export function compilePasswordRegexp(source: string): RegExp {
  let js = source;
  for (const [posix, unicode] of Object.entries(POSIX_CLASSES)) js = js.split(posix).join(unicode);
  return new RegExp(js, 'u');
}

export interface PasswordSettings {
  password: {
    regexpSource: string;
    regexp: RegExp;
    minEntropy: number;
    useDictionary: boolean;
    estimatorIdleMs: number;
  };
  hashing: { memoryCost: number; timeCost: number; parallelism: number; concurrency: number };
}

export const passwords = defineArea({
  title: 'Passwords',
  shape: {
    BARONG_PASSWORD_REGEXP: str(BARONG_DEFAULT_PASSWORD_REGEXP).meta({
      description: 'pattern every new password must match',
      values: 'regular expression: POSIX classes (as Barong) or JavaScript syntax',
    }),
    BARONG_PASSWORD_MIN_ENTROPY: z.coerce
      .number()
      .min(0)
      .optional()
      .default(20)
      .describe(
        "minimum strength: guessing entropy in bits (log2 of zxcvbn's guess estimate), published as `configs.password_min_entropy`",
      ),
    BARONG_PASSWORD_USE_DICTIONARY: bool(true).describe('count dictionary words and common passwords'),
    BARONG_PASSWORD_ESTIMATOR_IDLE: int(60).describe(
      "seconds the strength estimator's thread (zxcvbn's dictionaries, about 60 MB) stays after the last estimate",
    ),
    BARONG_ARGON2_MEMORY_COST: int(19456, 1024).describe('argon2id memory cost in KiB'),
    BARONG_ARGON2_TIME_COST: int(2, 1).describe('argon2id iterations'),
    BARONG_ARGON2_PARALLELISM: int(1, 1).describe('argon2id lanes'),
    BARONG_ARGON2_CONCURRENCY: int(0).describe(
      'argon2id computations at once, each holding its memory cost; 0: one per CPU core (never more than UV_THREADPOOL_SIZE, 4, run anyway)',
    ),
  },
  read(e, { problems }): PasswordSettings {
    let regexp = /./u;
    try {
      regexp = compilePasswordRegexp(e.BARONG_PASSWORD_REGEXP);
    } catch (err) {
      problems.push(`BARONG_PASSWORD_REGEXP: not a valid regular expression (${(err as Error).message})`);
    }
    return {
      password: {
        regexpSource: e.BARONG_PASSWORD_REGEXP,
        regexp,
        minEntropy: e.BARONG_PASSWORD_MIN_ENTROPY,
        useDictionary: e.BARONG_PASSWORD_USE_DICTIONARY,
        estimatorIdleMs: e.BARONG_PASSWORD_ESTIMATOR_IDLE * 1000,
      },
      hashing: {
        memoryCost: e.BARONG_ARGON2_MEMORY_COST,
        timeCost: e.BARONG_ARGON2_TIME_COST,
        parallelism: e.BARONG_ARGON2_PARALLELISM,
        concurrency: e.BARONG_ARGON2_CONCURRENCY || availableParallelism(),
      },
    };
  },
});
