import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PasswordPolicy } from '../../src/domain/password-policy.js';

/** Barong's default pattern (lower, upper, digit, a visible character; 8 to 80 long), as the configuration compiles it. */
const BARONG_PATTERN = /^(?=.*\p{Ll})(?=.*\p{Lu})(?=.*\p{Nd})(?=.*[^\s\p{C}]).{8,80}$/u;
const policy = new PasswordPolicy({ regexp: BARONG_PATTERN, minEntropy: 20, useDictionary: true });

describe('PasswordPolicy.violations', () => {
  // Barong's own reference passwords keep their verdicts.
  it.each(['testPassword111', 'Tecohvi0', 'eeC2BiCucxWEQ', 'Tecohvi0-Zah!Sh8ei', 'Пароль-Сильный-2024'])(
    '%j is strong enough',
    (password) => {
      expect(policy.violations(password)).toEqual([]);
    },
  );

  it.each(['Password1', 'Qwerty123'])('%j matches the pattern but is guessable → password.weak', (password) => {
    expect(policy.violations(password)).toEqual(['password.weak']);
  });

  it.each([
    ['too short', 'Aa1-xyz'],
    ['no upper-case letter', 'tecohvi0-zah!sh8ei'],
    ['no lower-case letter', 'TECOHVI0-ZAH!SH8EI'],
    ['no digit', 'Tecohvi-Zah!Sheix'],
    ['weak as well: the pattern is checked first', 'password'],
  ])('%s → password.requirements', (_name, password) => {
    expect(policy.violations(password)).toEqual(['password.requirements']);
  });

  it('allows 80 characters and refuses 81', () => {
    const of = (length: number) => `Aa1${'x'.repeat(length - 3)}`;
    expect(policy.violations(of(80))).toEqual([]);
    expect(policy.violations(of(81))).toEqual(['password.requirements']);
  });

  it('is weak exactly below the minimum entropy', () => {
    const password = 'Tecohvi0';
    const bits = policy.entropy(password);
    const at = (minEntropy: number) => new PasswordPolicy({ regexp: BARONG_PATTERN, minEntropy, useDictionary: true });
    expect(at(bits).violations(password)).toEqual([]);
    expect(at(bits + 0.01).violations(password)).toEqual(['password.weak']);
  });

  it('judges a password and its NFD spelling alike: both are checked in NFC, the form the hasher stores', () => {
    const letters = fc.constantFrom('é', 'Å', 'ñ', 'ö', 'Ç', 'a', 'Z', '7', '-', '!');
    fc.assert(
      fc.property(fc.array(letters, { minLength: 1, maxLength: 24 }), (chars) => {
        const password = chars.join('').normalize('NFC');
        expect(policy.violations(password.normalize('NFD'))).toEqual(policy.violations(password));
        expect(policy.entropy(password.normalize('NFD'))).toBe(policy.entropy(password));
      }),
      { numRuns: 50 },
    );
  });
});

describe('PasswordPolicy.entropy', () => {
  it('is in bits with two decimals', () => {
    const bits = policy.entropy('eeC2BiCucxWEQ');
    expect(bits).toBeGreaterThan(20);
    expect(Math.round(bits * 100)).toBe(bits * 100);
  });

  it('counts related inputs (the e-mail, the username) as known words', () => {
    expect(policy.entropy('Kowalczyk1984', ['kowalczyk'])).toBeLessThan(policy.entropy('Kowalczyk1984'));
  });

  it('knows dictionary words only with the dictionary on', () => {
    const noDictionary = new PasswordPolicy({ regexp: BARONG_PATTERN, minEntropy: 20, useDictionary: false });
    expect(noDictionary.entropy('Password1')).toBeGreaterThan(policy.entropy('Password1'));
    expect(noDictionary.violations('Password1')).toEqual([]);
  });

  it('estimates long passwords on their first 128 characters', () => {
    const head = 'ab'.repeat(64);
    expect(policy.entropy(`${head}-Zah!Sh8ei`)).toBe(policy.entropy(head));
  });
});
