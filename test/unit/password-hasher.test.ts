import { describe, expect, it } from 'vitest';
import { PasswordHasher } from '../../src/domain/password-hasher.js';

describe('PasswordHasher', () => {
  it('verifies what it hashed while many run at once, whatever its concurrency', async () => {
    for (const concurrency of [1, 3]) {
      const hasher = new PasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1, concurrency });
      const passwords = Array.from({ length: 8 }, (_, i) => `Tecohvi0-${i}`);
      const digests = await Promise.all(passwords.map((p) => hasher.hash(p)));
      const checks = await Promise.all(digests.map((d, i) => hasher.verify(d, passwords[(i + 1) % 8]!)));
      const own = await Promise.all(digests.map((d, i) => hasher.verify(d, passwords[i]!)));
      expect(checks.map((c) => c.ok)).toEqual(Array(8).fill(false));
      expect(own.map((c) => c.ok)).toEqual(Array(8).fill(true));
    }
  });
});
