import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  adminHold,
  computeLevel,
  computeState,
  SIGN_IN_STATES,
  type AccountRules,
} from '../../src/domain/accounts/account-state.js';

type Scope = 'private' | 'public';
const label = (key: string, value: string, scope: Scope = 'private') => ({ key, value, scope });

/** Barong's seeded levels. */
const LEVELS = [
  { id: 1, key: 'email', value: 'verified' },
  { id: 2, key: 'phone', value: 'verified' },
  { id: 3, key: 'document', value: 'verified' },
];
/** The defaults: `email:verified` activates; ban, delete and lock labels force their states, later triggers winning. */
const RULES: AccountRules = {
  activationRequirements: { email: 'verified' },
  stateTriggers: [
    { state: 'banned', labelKeys: ['ban', 'fraud'] },
    { state: 'deleted', labelKeys: ['delete'] },
    { state: 'locked', labelKeys: ['suspicious', 'lock'] },
  ],
};

describe('computeLevel', () => {
  it.each([
    ['no labels', [], 0],
    ['e-mail verified', [label('email', 'verified')], 1],
    ['e-mail and phone', [label('email', 'verified'), label('phone', 'verified')], 2],
    ['all three', [label('email', 'verified'), label('phone', 'verified'), label('document', 'verified')], 3],
    ['a gap stops the walk', [label('email', 'verified'), label('document', 'verified')], 1],
    ['a later level alone counts for nothing', [label('phone', 'verified')], 0],
    ['another value is not the level’s', [label('email', 'pending'), label('phone', 'verified')], 0],
    ['a public label does not count', [label('email', 'verified', 'public')], 0],
  ])('%s → %i', (_name, labels, level) => {
    expect(computeLevel(labels, LEVELS)).toBe(level);
  });

  it('walks the levels by id whatever order they come in', () => {
    const labels = [label('email', 'verified'), label('phone', 'verified')];
    expect(computeLevel(labels, [...LEVELS].reverse())).toBe(2);
  });

  it('answers the id of the last level reached, even when ids skip', () => {
    const levels = [
      { id: 10, key: 'email', value: 'verified' },
      { id: 20, key: 'phone', value: 'verified' },
    ];
    expect(computeLevel([label('email', 'verified')], levels)).toBe(10);
  });

  it('never goes down when a label is added', () => {
    const pair = fc.record({
      key: fc.constantFrom('email', 'phone', 'document', 'other'),
      value: fc.constantFrom('verified', 'pending'),
      scope: fc.constantFrom<Scope>('private', 'public'),
    });
    fc.assert(
      fc.property(fc.array(pair, { maxLength: 6 }), pair, (labels, extra) => {
        expect(computeLevel([...labels, extra], LEVELS)).toBeGreaterThanOrEqual(computeLevel(labels, LEVELS));
      }),
    );
  });
});

describe('computeState', () => {
  it.each([
    ['no labels', [], 'pending'],
    ['e-mail verified', [label('email', 'verified')], 'active'],
    ['the e-mail label public only', [label('email', 'verified', 'public')], 'pending'],
    ['the e-mail label of another value', [label('email', 'rejected')], 'pending'],
    ['banned by a ban label, whatever its value', [label('email', 'verified'), label('ban', 'no')], 'banned'],
    ['banned by a fraud label, also while pending', [label('fraud', 'yes')], 'banned'],
    ['deleted', [label('email', 'verified'), label('delete', 'by_user')], 'deleted'],
    ['locked', [label('email', 'verified'), label('lock', 'x')], 'locked'],
    ['a later trigger wins', [label('ban', 'x'), label('delete', 'x'), label('suspicious', 'x')], 'locked'],
    ['a later trigger wins whatever the label order', [label('lock', 'x'), label('ban', 'x')], 'locked'],
    [
      'a user’s own public ban label changes nothing',
      [label('email', 'verified'), label('ban', 'x', 'public')],
      'active',
    ],
  ])('%s → %s', (_name, labels, state) => {
    expect(computeState(labels, RULES)).toBe(state);
  });

  it('needs every activation requirement', () => {
    const rules: AccountRules = { ...RULES, activationRequirements: { email: 'verified', phone: 'verified' } };
    expect(computeState([label('email', 'verified')], rules)).toBe('pending');
    expect(computeState([label('email', 'verified'), label('phone', 'verified')], rules)).toBe('active');
  });

  it('activates everyone when nothing is required', () => {
    expect(computeState([], { activationRequirements: {}, stateTriggers: [] })).toBe('active');
  });
});

describe('a state an admin holds', () => {
  it.each([
    ['over a verified e-mail', [label('email', 'verified'), label('phone', 'verified')], 'banned'],
    ['over a trigger label', [label('email', 'verified'), label('delete', 'by_user')], 'locked'],
    ['whatever its name', [label('email', 'verified')], 'on_hold'],
  ])('%s', (_name, labels, held) => {
    expect(computeState(labels, RULES, held)).toBe(held);
  });

  it('leaves the labels to decide when none is held', () => {
    expect(computeState([label('email', 'verified')], RULES, null)).toBe('active');
  });

  it('is held only for a state that may not sign in', () => {
    expect(adminHold('active')).toBeNull();
    expect(adminHold('pending')).toBeNull();
    for (const state of ['banned', 'locked', 'deleted', 'on_hold']) expect(adminHold(state)).toBe(state);
  });
});

describe('SIGN_IN_STATES', () => {
  it('lets active and pending users sign in, and no one else', () => {
    expect([...SIGN_IN_STATES].sort()).toEqual(['active', 'pending']);
    for (const state of ['banned', 'deleted', 'locked']) expect(SIGN_IN_STATES.has(state)).toBe(false);
  });
});
