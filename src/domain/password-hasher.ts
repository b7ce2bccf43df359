/**
 * Password hashing: argon2id (OWASP parameters by default, configurable; cheap ones in tests only), computed
 * on libuv's thread pool so the event loop keeps serving. Bcrypt digests imported from Barong verify too and
 * report `needsRehash`, so they are replaced at the next successful login.
 */
import { hash, verify, parseOptions } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';
import { randomBytes } from 'node:crypto';

export interface HashingOptions {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

const ARGON2ID = 2; // Algorithm.Argon2id; the package exports it as a const enum, which isolatedModules can't read.

export class PasswordHasher {
  private dummyDigest?: Promise<string>;

  constructor(private readonly options: HashingOptions) {
    // Made now, not on the first unknown login, which would otherwise cost two hashes and stand out.
    this.dummyDigest = this.hash(randomBytes(16).toString('hex'));
    this.dummyDigest.catch(() => undefined);
  }

  hash(password: string): Promise<string> {
    return hash(password, { algorithm: ARGON2ID, ...this.options });
  }

  async verify(digest: string, password: string): Promise<{ ok: boolean; needsRehash: boolean }> {
    if (/^\$2[abxy]\$/.test(digest)) {
      const ok = await bcrypt.compare(password, digest).catch(() => false);
      return { ok, needsRehash: ok };
    }
    const ok = await verify(digest, password).catch(() => false);
    return { ok, needsRehash: ok && this.isOutdated(digest) };
  }

  /**
   * Spends the same work as a real verification — the same method, a digest made with the same parameters — for
   * unknown accounts, so timing does not reveal them.
   */
  async verifyAgainstNothing(password: string): Promise<false> {
    this.dummyDigest ??= this.hash(randomBytes(16).toString('hex'));
    await this.verify(await this.dummyDigest, password);
    return false;
  }

  private isOutdated(digest: string): boolean {
    try {
      const p = parseOptions(digest);
      return (
        Number(p.algorithm) !== ARGON2ID ||
        p.memoryCost !== this.options.memoryCost ||
        p.timeCost !== this.options.timeCost ||
        p.parallelism !== this.options.parallelism
      );
    } catch {
      return true;
    }
  }
}
