import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PasswordPolicy } from '../../src/domain/password-policy.js';

/** Barong's default pattern (lower, upper, digit, a visible character; 8 to 80 long), as the configuration compiles it. */
const BARONG_PATTERN = /^(?=.*\p{Ll})(?=.*\p{Lu})(?=.*\p{Nd})(?=.*[^\s\p{C}]).{8,80}$/u;
const policies: PasswordPolicy[] = [];
const policyWith = (minEntropy: number, useDictionary = true) => {
  const made = new PasswordPolicy({ regexp: BARONG_PATTERN, minEntropy, useDictionary, estimatorIdleMs: 60_000 });
  policies.push(made);
  return made;
};
const policy = policyWith(20);
afterAll(() => Promise.all(policies.map((p) => p.close())));

describe('PasswordPolicy.violations', () => {
  // Barong's own reference passwords keep their verdicts.
  it.each(['testPassword111', 'Tecohvi0', 'eeC2BiCucxWEQ', 'Tecohvi0-Zah!Sh8ei', 'Пароль-Сильный-2024'])(
    '%j is strong enough',
    async (password) => {
      expect(await policy.violations(password)).toEqual([]);
    },
  );

  it.each(['Password1', 'Qwerty123'])('%j matches the pattern but is guessable → password.weak', async (password) => {
    expect(await policy.violations(password)).toEqual(['password.weak']);
  });

  it.each([
    ['too short', 'Aa1-xyz'],
    ['no upper-case letter', 'tecohvi0-zah!sh8ei'],
    ['no lower-case letter', 'TECOHVI0-ZAH!SH8EI'],
    ['no digit', 'Tecohvi-Zah!Sheix'],
    ['weak as well: the pattern is checked first', 'password'],
  ])('%s → password.requirements', async (_name, password) => {
    expect(await policy.violations(password)).toEqual(['password.requirements']);
  });

  it('allows 80 characters and refuses 81', async () => {
    const of = (length: number) => `Aa1${'x'.repeat(length - 3)}`;
    expect(await policy.violations(of(80))).toEqual([]);
    expect(await policy.violations(of(81))).toEqual(['password.requirements']);
  });

  it('is weak exactly below the minimum entropy', async () => {
    const password = 'Tecohvi0';
    const bits = await policy.entropy(password);
    expect(await policyWith(bits).violations(password)).toEqual([]);
    expect(await policyWith(bits + 0.01).violations(password)).toEqual(['password.weak']);
  });

  it('judges a password and its NFD spelling alike: both are checked in NFC, the form the hasher stores', async () => {
    const letters = fc.constantFrom('é', 'Å', 'ñ', 'ö', 'Ç', 'a', 'Z', '7', '-', '!');
    await fc.assert(
      fc.asyncProperty(fc.array(letters, { minLength: 1, maxLength: 24 }), async (chars) => {
        const password = chars.join('').normalize('NFC');
        expect(await policy.violations(password.normalize('NFD'))).toEqual(await policy.violations(password));
        expect(await policy.entropy(password.normalize('NFD'))).toBe(await policy.entropy(password));
      }),
      { numRuns: 50 },
    );
  });
});

describe('PasswordPolicy.entropy', () => {
  it('is in bits with two decimals', async () => {
    const bits = await policy.entropy('eeC2BiCucxWEQ');
    expect(bits).toBeGreaterThan(20);
    expect(Math.round(bits * 100)).toBe(bits * 100);
  });

  it('counts related inputs (the e-mail, the username) as known words', async () => {
    expect(await policy.entropy('Kowalczyk1984', ['kowalczyk'])).toBeLessThan(await policy.entropy('Kowalczyk1984'));
  });

  it('knows dictionary words only with the dictionary on', async () => {
    const noDictionary = policyWith(20, false);
    expect(await noDictionary.entropy('Password1')).toBeGreaterThan(await policy.entropy('Password1'));
    expect(await noDictionary.violations('Password1')).toEqual([]);
  });

  it('estimates long passwords on their first 128 characters', async () => {
    const head = 'ab'.repeat(64);
    expect(await policy.entropy(`${head}-Zah!Sh8ei`)).toBe(await policy.entropy(head));
  });
});
