/**
 * Values for the fuzzer: a plausible one from a parameter's schema (its example, else its type), and odd ones
 * (wrong types, huge and empty strings, Unicode edge cases, prototype keys, path tricks), part of them sampled
 * with fast-check from the run's seed.
 */
import fc from 'fast-check';
import type { Rng } from './rng.js';
import type { Json } from '../../src/lib/json.js';

/** Stands for a current TOTP code of the principal; replaced when the request is sent. */
export const TOTP = '__fuzz_totp__';

export function plausible(
  name: string,
  schema: Json | undefined,
  example: unknown,
  rng: Rng,
  secrets: { email: string; password: string },
): unknown {
  if (/password/.test(name) && rng.chance(0.5)) return secrets.password;
  if (name === 'email' && rng.chance(0.3)) return secrets.email;
  if (/^(otp_code|totp_code|code)$/.test(name) && rng.chance(0.6)) return TOTP;
  if (example !== undefined) return example;
  const s = schema ?? {};
  if (s.enum) return rng.pick(s.enum as unknown[]);
  if (s.oneOf) return plausible(name, s.oneOf[0], undefined, rng, secrets);
  switch (s.type) {
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return true;
    case 'array':
      return [plausible(name, s.items, undefined, rng, secrets)];
    case 'object':
      return {};
    default:
      return s.format === 'date' ? '2035-01-01' : 'fuzz';
  }
}

const FIXED_ODDITIES: unknown[] = [
  '',
  ' ',
  null,
  0,
  -1,
  1.5,
  Number.POSITIVE_INFINITY, // 1e309
  '1e309',
  'NaN',
  true,
  false,
  [],
  ['a', 'b'],
  {},
  { nested: { deeper: ['x'] } },
  'x'.repeat(10_000),
  '9'.repeat(400),
  '../../../etc/passwd',
  '%00',
  '\u0000',
  '\ud800',
  '\u202eevil',
  'e\u0301',
  '😀'.repeat(50),
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '{"__proto__":{"polluted":1}}',
  '2035-02-30',
  '1970-01-01T00:00:00Z',
  '0x10',
  ' 42 ',
  'ID0000000001',
];

export function oddities(seed: number): unknown[] {
  const sampled = fc.sample(
    fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      fc.integer(),
      fc.double(),
      fc.jsonValue({ maxDepth: 3 }),
      fc.array(fc.string({ maxLength: 5 }), { maxLength: 4 }),
    ),
    { seed, numRuns: 200 },
  );
  return [...FIXED_ODDITIES, ...sampled];
}

/** Keys that attack the object model rather than the value. */
export const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', ''];

/** querystring refuses lone surrogates; they become U+FFFD, as a browser's form encoding makes them. */
export function wellFormed(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** A value as a query or form string. */
export function asText(v: unknown): string {
  return wellFormed(typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
}
