import { afterAll, describe, expect, it } from 'vitest';
import {
  DATA_MAX_LENGTH,
  dataErrors,
  emailErrors,
  passwordErrors,
  usernameErrors,
} from '../../src/domain/accounts/user-rules.js';
import { PasswordPolicy } from '../../src/domain/password-policy.js';

/** A domain of `length` characters: labels of at most 63, as DNS allows. */
function domainOf(length: number): string {
  const labels: string[] = [];
  for (let left = length; left > 0; left -= 64) labels.push('d'.repeat(Math.min(63, left)));
  return labels.join('.');
}

describe('emailErrors', () => {
  it.each([
    'a@b.co',
    ' user@example.com ', // checked trimmed
    'user@localhost', // Barong parity: a dotless domain is an address
    'a@b',
    'ü@example.com',
    'Jöhn.Dœ@exämple.com',
    'first.last+tag@sub.example.com',
  ])('%j is an address', (email) => {
    expect(emailErrors(email)).toEqual([]);
  });

  it.each(['', '   ', '\t\n'])('%j → email.blank', (email) => {
    expect(emailErrors(email)).toEqual(['email.blank']);
  });

  it.each([
    'not-an-email',
    'a b@c.d',
    'a@@b.c',
    'a.@b.c',
    'a@b..c',
    '@example.com',
    'user@',
    `${'a'.repeat(65)}@example.com`,
  ])('%j → email.invalid', (email) => {
    expect(emailErrors(email)).toEqual(['email.invalid']);
  });

  it('allows 254 characters and refuses 255', () => {
    const of = (length: number) => `${'a'.repeat(64)}@${domainOf(length - 65)}`;
    expect(of(254)).toHaveLength(254);
    expect(emailErrors(of(254))).toEqual([]);
    expect(emailErrors(of(255))).toEqual(['email.invalid']);
  });

  it('measures the stored key too: NFC can spell one character with three, and the key must fit its column', () => {
    // U+FB2C is one character whose NFC form is three.
    const local = '\uFB2C'.repeat(21);
    const fits = `${local}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(60)}.ab`;
    const over = `${local}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}.ab`;
    expect([fits.length, fits.normalize('NFC').length]).toEqual([213, 255]);
    expect(emailErrors(fits)).toEqual([]);
    expect([over.length, over.normalize('NFC').length]).toEqual([214, 256]);
    expect(emailErrors(over)).toEqual(['email.invalid']);
  });
});

describe('usernameErrors', () => {
  it.each<[string | undefined, string[]]>([
    [undefined, []],
    ['abcd', []],
    ['Trader42', []],
    ['abcdefghijkl', []],
    ['abc', ['username.too_short']],
    ['abcdefghijklm', ['username.too_long']],
    ['bad name', ['username.invalid']],
    ['user_name', ['username.invalid']],
    ['Ünïcode', ['username.invalid']],
    ['ab!', ['username.too_short', 'username.invalid']],
    ['', ['username.too_short', 'username.invalid']],
    ['this-is-too-long', ['username.too_long', 'username.invalid']],
  ])('%j → %j', (username, errors) => {
    expect(usernameErrors(username)).toEqual(errors);
  });
});

describe('dataErrors', () => {
  it.each<[string | undefined, string[]]>([
    [undefined, []],
    ['{}', []],
    ['{"language":"en"}', []],
    ['[1,2]', []],
    ['"text"', []],
    ['not json', ['data.invalid_format']],
    ['', ['data.invalid_format']],
    ['{"a":}', ['data.invalid_format']],
  ])('%j → %j', (data, errors) => {
    expect(dataErrors(data)).toEqual(errors);
  });

  it('allows 1024 characters and refuses 1025, before looking at the syntax', () => {
    const json = (length: number) => `"${'x'.repeat(length - 2)}"`;
    expect(DATA_MAX_LENGTH).toBe(1024);
    expect(dataErrors(json(1024))).toEqual([]);
    expect(dataErrors(json(1025))).toEqual(['data.too_long']);
    expect(dataErrors('{'.repeat(1025))).toEqual(['data.too_long']);
  });
});

describe('passwordErrors', () => {
  const policy = new PasswordPolicy({
    regexp: /^.{8,}$/u,
    minEntropy: 20,
    useDictionary: true,
    estimatorIdleMs: 60_000,
  });
  afterAll(() => policy.close());

  it('answers password.blank for an empty password, before the policy', async () => {
    expect(await passwordErrors(policy, '')).toEqual(['password.blank']);
  });

  it('otherwise answers what the policy says', async () => {
    expect(await passwordErrors(policy, 'short')).toEqual(['password.requirements']);
    expect(await passwordErrors(policy, 'password')).toEqual(['password.weak']);
    expect(await passwordErrors(policy, 'Tecohvi0-Zah!Sh8ei')).toEqual([]);
  });
});
