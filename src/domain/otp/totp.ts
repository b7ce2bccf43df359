/**
 * TOTP (RFC 6238) with otplib: SHA1, 6 digits, 30 s steps, one step of skew either way. Secrets are stored
 * encrypted. A code is accepted once only: the matched time step must be newer than the last one accepted
 * for the user (Vault's "code already used" protection in Barong).
 */
import { generateSecret, verify } from 'otplib';
import QRCode from 'qrcode';
import type { Encryptor } from '../../lib/encryptor.js';
import type { User } from '../../db/repositories/users-repository.js';
import type { Repositories } from '../../db/repositories/index.js';

const CODE = /^\d{6}$/;

export class Totp {
  constructor(
    private readonly encryptor: Encryptor,
    private readonly issuer: string,
  ) {}

  newSecret(): { secret: string; encrypted: string } {
    const secret = generateSecret();
    return { secret, encrypted: this.encryptor.encrypt(secret) };
  }

  /**
   * The provisioning URL as Vault's TOTP engine writes it for Barong:
   * `otpauth://totp/<issuer>:<email>?algorithm=SHA1&digits=6&issuer=<issuer>&period=30&secret=<BASE32>`.
   */
  uri(accountName: string, secret: string): string {
    const enc = (s: string) => encodeURIComponent(s).replace(/%40/g, '@');
    const query = [`algorithm=SHA1`, `digits=6`, `issuer=${enc(this.issuer)}`, `period=30`, `secret=${secret}`];
    return `otpauth://totp/${enc(this.issuer)}:${enc(accountName)}?${query.join('&')}`;
  }

  /** A QR code of the provisioning URL: base64 of a 300 px PNG (Barong's size). */
  async qrCode(url: string): Promise<string> {
    const png = await QRCode.toBuffer(url, { type: 'png', width: 300, errorCorrectionLevel: 'M' });
    return png.toString('base64');
  }

  secretOf(user: Pick<User, 'otpSecretEncrypted'>): string | null {
    return this.encryptor.decryptNullable(user.otpSecretEncrypted);
  }

  /** The time step the code matches within ±1 step, or null. */
  async matchingStep(secret: string, code: string): Promise<number | null> {
    if (!CODE.test(code)) return null;
    const result = await verify({ secret, token: code, epochTolerance: 30 });
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  }

  /** Checks a user's code and consumes its time step; a replayed code is refused. */
  async acceptUserCode(repos: Repositories, user: User, code: string | undefined): Promise<boolean> {
    const secret = this.secretOf(user);
    if (!secret || !code) return false;
    const step = await this.matchingStep(secret, code);
    return step !== null && (await repos.users.claimOtpStep(user.id, step));
  }
}
