/** The one rule for user-made changes of private labels (security case 25): what stays verified, and for what. */
import { describe, expect, it } from 'vitest';
import { userChangeRefusal } from '../../src/domain/labels/private-labels.js';

describe('userChangeRefusal', () => {
  it.each(['phone', 'profile', 'document', 'address'])('a verified %s step can be neither redone nor undone', (key) => {
    for (const next of ['verified', 'pending', 'drafted', 'recorded', undefined]) {
      expect(userChangeRefusal(key, 'verified', next), String(next)).toBe(`resource.${key}.already_verified`);
    }
  });

  it('any other verified label may be confirmed again, never moved off verified nor removed', () => {
    expect(userChangeRefusal('email', 'verified', 'verified')).toBeUndefined();
    expect(userChangeRefusal('email', 'verified', 'recorded')).toBe('resource.email.already_verified');
    expect(userChangeRefusal('email', 'verified', undefined)).toBe('resource.email.already_verified');
  });

  it('leaves every label that is not verified to its flow', () => {
    expect(userChangeRefusal('phone', undefined, 'verified')).toBeUndefined();
    expect(userChangeRefusal('document', 'pending', 'pending')).toBeUndefined();
    expect(userChangeRefusal('profile', 'rejected', 'drafted')).toBeUndefined();
    expect(userChangeRefusal('otp', 'enabled', undefined)).toBeUndefined();
    // Only the exact value counts: the labels' own normalisation makes it lower-case.
    expect(userChangeRefusal('phone', 'Verified', 'verified')).toBeUndefined();
  });
});
