/**
 * The server's JWT keys as every process sees them: the configured keys (src/lib/signing-key.ts) and the keys
 * `keys rotate` stored in the database, which each process reads again every BARONG_JWT_KEYS_REFRESH_INTERVAL
 * seconds. Which key signs and which are published follows key-schedule.ts at the time of the last refresh; the
 * key set is swapped whole, between two requests, so one token never mixes two keys' `kid` and signature.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { Config } from '../../config/index.js';
import type { Knex } from '../../db/knex.js';
import { SigningKeysRepository, type StoredSigningKey } from '../../db/repositories/signing-keys-repository.js';
import type { Encryptor } from '../../lib/encryptor.js';
import { verificationKeyFrom, type JwtAlgorithm, type JwtKeys, type VerificationKey } from '../../lib/jwt-keys.js';
import type { Logger } from '../../lib/logger.js';
import { loadPublicKeys, loadSigningKey } from '../../lib/signing-key.js';
import { currentSigner, isRetired, isWaiting, type ScheduledKey } from './key-schedule.js';

export interface KeyRingDeps {
  /** The configured signing key and the other configured (published, never signing) keys. */
  configured: { signing: KeyObject; others: readonly KeyObject[] };
  stored(): Promise<StoredSigningKey[]>;
  decrypt(ciphertext: string): string;
  logger: Logger;
  refreshSeconds: number;
}

interface RingKey extends ScheduledKey {
  verification: VerificationKey;
  privateKey?: KeyObject;
}

/** A key as `keys list` shows it. */
export interface KeyState {
  kid: string;
  alg: JwtAlgorithm;
  state: 'signing' | 'waiting' | 'published' | 'retired';
  source: 'configured' | 'stored';
  activatesAt?: Date;
  retiresAt?: Date | null;
}

export class KeyRing implements JwtKeys {
  private snapshot!: JwtKeys;
  private stored: RingKey[] = [];
  private readonly cache = new Map<string, { verification: VerificationKey; privateKey?: KeyObject }>();
  private timer?: NodeJS.Timeout;
  private refreshing?: Promise<void>;

  private constructor(
    private readonly d: KeyRingDeps,
    /** The configured signing key and its private half. */
    readonly configuredKey: VerificationKey & { privateKey: KeyObject },
    private readonly configuredOthers: readonly VerificationKey[],
  ) {}

  /** Loads the keys and refreshes them on a timer until stop(). A database that cannot be read is retried then. */
  static async start(d: KeyRingDeps): Promise<KeyRing> {
    const signing = { ...(await verificationKeyFrom(d.configured.signing)), privateKey: d.configured.signing };
    const ring = new KeyRing(d, signing, await Promise.all(d.configured.others.map(verificationKeyFrom)));
    await ring.refresh();
    ring.timer = setInterval(() => void ring.refresh(), d.refreshSeconds * 1000);
    ring.timer.unref();
    return ring;
  }

  get privateKey(): KeyObject {
    return this.snapshot.privateKey;
  }
  get publicKey(): KeyObject {
    return this.snapshot.publicKey;
  }
  get kid(): string {
    return this.snapshot.kid;
  }
  get alg(): JwtAlgorithm {
    return this.snapshot.alg;
  }
  get verificationKeys(): readonly VerificationKey[] {
    return this.snapshot.verificationKeys;
  }

  /** Reads the stored keys again and decides the key set as at `now` (tests pass a later time). */
  refresh(now = new Date()): Promise<void> {
    this.refreshing ??= this.load()
      .then((stored) => {
        this.stored = stored;
      })
      .catch((err: Error) =>
        this.d.logger.warn({ reason: err.message }, 'cannot read the stored signing keys; keeping the keys known'),
      )
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing.then(() => {
      this.snapshot = this.resolve(now);
    });
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Every key known, the signing one first, with its state at `now`. */
  states(now = new Date()): KeyState[] {
    const signing = this.resolve(now).kid;
    const configuredRecord = this.stored.find((k) => k.kid === this.configuredKey.kid);
    const state = (kid: string, retired: boolean, waiting = false): KeyState['state'] =>
      kid === signing ? 'signing' : retired ? 'retired' : waiting ? 'waiting' : 'published';
    const configured: KeyState[] = [this.configuredKey, ...this.configuredOthers].map((k) => ({
      kid: k.kid,
      alg: k.alg,
      source: 'configured',
      state: state(
        k.kid,
        k === this.configuredKey && configuredRecord !== undefined && isRetired(configuredRecord, now),
      ),
      ...(k === this.configuredKey && configuredRecord ? { retiresAt: configuredRecord.retiresAt } : {}),
    }));
    const stored: KeyState[] = this.stored
      .filter((k) => k.canSign || k.kid !== this.configuredKey.kid)
      .map((k) => ({
        kid: k.kid,
        alg: k.verification.alg,
        source: 'stored',
        state: state(k.kid, isRetired(k, now), isWaiting(k, now)),
        activatesAt: k.activatesAt,
        retiresAt: k.retiresAt,
      }));
    return [...configured, ...stored].sort((a, b) => Number(b.state === 'signing') - Number(a.state === 'signing'));
  }

  private resolve(now: Date): JwtKeys {
    const signer = currentSigner(this.stored, now);
    const signing = signer?.privateKey ? { ...signer.verification, privateKey: signer.privateKey } : this.configuredKey;
    const configuredRecord = this.stored.find((k) => k.kid === this.configuredKey.kid);
    const published = [
      signing,
      ...(configuredRecord && isRetired(configuredRecord, now) ? [] : [this.configuredKey]),
      ...this.stored.filter((k) => !isRetired(k, now)).map((k) => k.verification),
      ...this.configuredOthers,
    ];
    const verificationKeys = published
      .filter((k, i) => published.findIndex((other) => other.kid === k.kid) === i)
      .map(({ kid, alg, publicKey, jwk }) => ({ kid, alg, publicKey, jwk }));
    return {
      privateKey: signing.privateKey,
      publicKey: signing.publicKey,
      kid: signing.kid,
      alg: signing.alg,
      verificationKeys,
    };
  }

  private async load(): Promise<RingKey[]> {
    const rows = await this.d.stored();
    return Promise.all(
      rows.map(async (row) => {
        let known = this.cache.get(row.kid);
        if (!known || (known.privateKey && !row.privateKeyEncrypted)) {
          const privateKey = row.privateKeyEncrypted
            ? createPrivateKey(this.d.decrypt(row.privateKeyEncrypted))
            : undefined;
          known = { verification: await verificationKeyFrom(privateKey ?? createPublicKey(row.publicKey)), privateKey };
          this.cache.set(row.kid, known);
        }
        return {
          ...known,
          kid: known.verification.kid,
          activatesAt: row.activatesAt,
          retiresAt: row.retiresAt,
          canSign: Boolean(known.privateKey),
        };
      }),
    );
  }
}

/** The ring of a process: the configured keys (any problem stops the start) and the stored ones. */
export function startKeyRing(d: {
  config: Config;
  logger: Logger;
  knex: Knex;
  encryptor: Encryptor;
}): Promise<KeyRing> {
  const stored = new SigningKeysRepository(d.knex);
  return KeyRing.start({
    configured: { signing: loadSigningKey(d.config, d.logger), others: loadPublicKeys(d.config) },
    stored: () => stored.list(),
    decrypt: (ciphertext) => d.encryptor.decrypt(ciphertext),
    logger: d.logger,
    refreshSeconds: d.config.jwt.keysRefreshSeconds,
  });
}
