/**
 * Password hashing: argon2id (OWASP parameters by default, configurable; cheap ones in tests only), computed
 * on libuv's thread pool so the event loop keeps serving. Bcrypt digests imported from Barong verify too and
 * report `needsRehash`, so they are replaced at the next successful login.
 *
 * Passwords are normalised to Unicode NFC before they are hashed or verified, so canonically equivalent spellings
 * (`é` precomposed, or `e` + U+0301 as some keyboards send it) are one password; nothing else is folded. A digest
 * made from the password as typed (Barong's, or one made here before normalisation) also verifies against the typed
 * spelling, and is then rehashed.
 * bcrypt reads only a password's first 72 bytes, so an imported bcrypt digest cannot tell a longer password from
 * another that shares them. It is the only proof such a user has, so it is accepted once: that first login rehashes
 * the whole password as typed with argon2id, which reads all of it, and from then on only the whole password works.
 * (Guessing it needs the first 72 bytes of the real one, which is as hard as guessing the password.)
 */
import { hash, verify, parseOptions } from '@node-rs/argon2';
import bcrypt from 'bcryptjs';
import { randomBytes } from 'node:crypto';
import { PASSWORD_HASH_THREADS } from '../config/thread-pool.js';

export interface HashingOptions {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

const ARGON2ID = 2; // Algorithm.Argon2id; the package exports it as a const enum, which isolatedModules can't read.
const BCRYPT_DIGEST = /^\$2[abxy]\$/;
/** A whole bcrypt digest as Barong's has_secure_password stores one: variant, cost, 22 salt and 31 hash characters. */
const BCRYPT_HASH = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;

/** Whether `digest` can be imported as it is (a bcrypt digest made elsewhere, rehashed at its first login). */
export const isBcryptDigest = (digest: string): boolean => BCRYPT_HASH.test(digest);

/** The spellings a password is tried in: its NFC form first, then, if different, as typed. */
function spellings(password: string): string[] {
  const normal = password.normalize('NFC');
  return normal === password ? [normal] : [normal, password];
}

/** Runs at most `limit` tasks at once; the others wait their turn, in order. */
class Gate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    try {
      return await task();
    } finally {
      const nextTask = this.waiting.shift();
      if (nextTask) nextTask();
      else this.running -= 1;
    }
  }
}

export class PasswordHasher {
  private dummyDigest?: Promise<string>;
  /** One hash per CPU at a time (src/config/thread-pool.ts): the pool keeps threads for files and DNS. */
  private readonly gate = new Gate(PASSWORD_HASH_THREADS);

  constructor(private readonly options: HashingOptions) {
    // Made now, not on the first unknown login, which would otherwise cost two hashes and stand out.
    this.dummyDigest = this.hash(randomBytes(16).toString('hex'));
    this.dummyDigest.catch(() => undefined);
  }

  hash(password: string): Promise<string> {
    return this.gate.run(() => hash(password.normalize('NFC'), { algorithm: ARGON2ID, ...this.options }));
  }

  async verify(digest: string, password: string): Promise<{ ok: boolean; needsRehash: boolean }> {
    const imported = BCRYPT_DIGEST.test(digest);
    for (const [i, spelling] of spellings(password).entries()) {
      if (await this.matches(digest, spelling, imported)) {
        return { ok: true, needsRehash: imported || i > 0 || this.isOutdated(digest) };
      }
    }
    return { ok: false, needsRehash: false };
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

  private async matches(digest: string, spelling: string, imported: boolean): Promise<boolean> {
    if (!imported) return this.gate.run(() => verify(digest, spelling)).catch(() => false);
    return bcrypt.compare(spelling, digest).catch(() => false);
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
