/**
 * `keys rotate`: a new signing key of the configured algorithm, stored (its private half encrypted) for every
 * process to read. It is published at once and signs from `activatesAt` on, which leaves every process (refresh
 * interval) and every consumer of the JWKS time to learn it first. The key it replaces stops signing then and stays
 * published until the last token it signed has expired (BARONG_JWT_EXPIRE_TIME, plus one refresh interval for a
 * process that switches late); the private halves of keys retired by then are erased.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Config } from '../../config/index.js';
import type { StoredSigningKey } from '../../db/repositories/signing-keys-repository.js';
import type { Encryptor } from '../../lib/encryptor.js';
import { verificationKeyFrom, type JwtAlgorithm } from '../../lib/jwt-keys.js';
import { recordAdminActivity, type CliActor } from '../admin/admin-actor.js';
import type { UnitOfWork, Work } from '../unit-of-work.js';
import type { KeyRing } from './key-ring.js';
import { currentSigner, isWaiting } from './key-schedule.js';

/** A rotation that may not happen now; the message says why. */
export class KeyRotationRefused extends Error {}

export interface KeyRotationDeps {
  config: Pick<Config, 'jwt'>;
  uow: UnitOfWork;
  encryptor: Encryptor;
  jwtKeys: KeyRing;
}

export interface Rotation {
  kid: string;
  alg: JwtAlgorithm;
  activatesAt: Date;
  previous: { kid: string; retiresAt: Date };
}

const spki = (key: KeyObject) => key.export({ type: 'spki', format: 'pem' }).toString();
const later = (at: Date, seconds: number) => new Date(at.getTime() + seconds * 1000);

function generate(alg: JwtAlgorithm): KeyObject {
  const pair =
    alg === 'ES256'
      ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return pair.privateKey;
}

export class KeyRotation {
  constructor(private readonly d: KeyRotationDeps) {}

  async rotate(actor: CliActor, activateInSeconds: number, now = new Date()): Promise<Rotation> {
    const { algorithm, expireTime, keysRefreshSeconds } = this.d.config.jwt;
    if (activateInSeconds < keysRefreshSeconds) {
      throw new KeyRotationRefused(
        `the new key must wait at least BARONG_JWT_KEYS_REFRESH_INTERVAL (${keysRefreshSeconds} s) before it signs, so that every process accepts its tokens first`,
      );
    }
    const privateKey = generate(algorithm);
    const key = await verificationKeyFrom(privateKey);
    const activatesAt = later(now, activateInSeconds);
    const retiresAt = later(activatesAt, expireTime + keysRefreshSeconds);
    const previousKid = await this.d.uow.run(async (w) => {
      const stored = await w.repos.signingKeys.listForUpdate();
      const waiting = stored.find((k) => isWaiting(k, now));
      if (waiting) {
        throw new KeyRotationRefused(
          `the key ${waiting.kid} waits to sign from ${waiting.activatesAt.toISOString()}; rotate again after that`,
        );
      }
      const previous = await this.retireSigner(w, stored, retiresAt, now);
      await w.repos.signingKeys.insert({
        kid: key.kid,
        algorithm: key.alg,
        publicKey: spki(key.publicKey),
        privateKeyEncrypted: this.d.encryptor.encrypt(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
        activatesAt,
        retiresAt: null,
      });
      await w.repos.signingKeys.erasePrivateKeys(now);
      await recordAdminActivity(w, actor, {
        topic: 'keys',
        action: 'create',
        params: {
          kid: key.kid,
          algorithm: key.alg,
          activates_at: activatesAt.toISOString(),
          previous_kid: previous,
          previous_retires_at: retiresAt.toISOString(),
        },
      });
      return previous;
    });
    await this.d.jwtKeys.refresh();
    return { kid: key.kid, alg: key.alg, activatesAt, previous: { kid: previousKid, retiresAt } };
  }

  /** The key signing now stops being published at `retiresAt`; the configured key gets a record saying so. */
  private async retireSigner(w: Work, stored: StoredSigningKey[], retiresAt: Date, now: Date): Promise<string> {
    const schedule = stored.map((k) => ({ ...k, canSign: k.privateKeyEncrypted !== null }));
    const signer = currentSigner(schedule, now) ?? stored.find((k) => k.kid === this.d.jwtKeys.configuredKey.kid);
    if (signer) {
      await w.repos.signingKeys.retire(signer.id, retiresAt);
      return signer.kid;
    }
    const configured = this.d.jwtKeys.configuredKey;
    await w.repos.signingKeys.insert({
      kid: configured.kid,
      algorithm: configured.alg,
      publicKey: spki(configured.publicKey),
      privateKeyEncrypted: null,
      activatesAt: now,
      retiresAt,
    });
    return configured.kid;
  }
}
