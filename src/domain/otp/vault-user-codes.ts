/**
 * Codes of users imported from Barong whose TOTP key is still in Vault (users.otp_vault_key). Vault refuses a code
 * used twice in its period; this server keeps its own record as well (a Redis key per user and code for three time
 * steps, the codes' whole life), so the single-use rule holds even against a Vault that does not keep it.
 */
import type { RedisClient, RedisKeys } from '../../lib/redis.js';
import type { VaultTotp } from './vault-totp.js';

const CODE = /^\d{6}$/;
/** ±1 step of 30 s: a code is valid for at most 90 s. */
const CODE_LIFETIME_SECONDS = 90;

export class VaultUserCodes {
  constructor(
    private readonly vault: VaultTotp,
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  /** Vault's verdict on the code, then our own claim of it; throws VaultUnavailable when Vault cannot answer. */
  async accept(uid: string, vaultKey: string, code: string | undefined): Promise<boolean> {
    if (!code || !CODE.test(code)) return false;
    if (!(await this.vault.validate(vaultKey, code))) return false;
    const claimed = await this.redis.set(
      this.keys.key('otp', 'vault_used', uid, code),
      '1',
      'EX',
      CODE_LIFETIME_SECONDS,
      'NX',
    );
    return claimed === 'OK';
  }
}
