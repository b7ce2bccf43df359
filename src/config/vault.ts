import { defineArea } from './area.js';
import { int, isHttpUrl, optional, str } from './values.js';

export interface VaultSettings {
  /**
   * Vault's TOTP engine, which still checks the codes of users imported from Barong until they re-enrol. Undefined
   * when BARONG_VAULT_ADDRESS is unset: those users are then told to re-enrol through support.
   */
  vault?: { address: string; token: string; totpMount: string; timeoutMs: number };
}

export const vault = defineArea({
  title: 'Vault (2FA of users imported from Barong)',
  secrets: ['BARONG_VAULT_TOKEN'],
  shape: {
    BARONG_VAULT_ADDRESS: optional.meta({
      description:
        "Barong's Vault, whose TOTP engine checks the codes of imported users until they re-enrol; unset: no Vault, and those users must re-enrol through support",
      values: 'http(s) URL, e.g. `http://vault:8200`',
    }),
    BARONG_VAULT_TOKEN: optional.describe(
      'a Vault token allowed to write `<mount>/code/*`; required with `BARONG_VAULT_ADDRESS`',
    ),
    BARONG_VAULT_TOTP_MOUNT: str('totp').meta({
      description: "the path Barong's TOTP engine is mounted at",
      values: 'Vault path',
    }),
    BARONG_VAULT_TIMEOUT: int(3000, 100).describe(
      'milliseconds a code check may wait for Vault; past it the code is refused (503)',
    ),
  },
  read(e, { problems }): VaultSettings {
    if (!e.BARONG_VAULT_ADDRESS) return { vault: undefined };
    if (!isHttpUrl(e.BARONG_VAULT_ADDRESS)) problems.push('BARONG_VAULT_ADDRESS: must be an http(s) URL');
    if (!e.BARONG_VAULT_TOKEN) problems.push('BARONG_VAULT_TOKEN: required when BARONG_VAULT_ADDRESS is set');
    const mount = e.BARONG_VAULT_TOTP_MOUNT.replace(/^\/+|\/+$/g, '');
    if (!mount) problems.push('BARONG_VAULT_TOTP_MOUNT: must name a path');
    return {
      vault: {
        address: e.BARONG_VAULT_ADDRESS.replace(/\/+$/, ''),
        token: e.BARONG_VAULT_TOKEN ?? '',
        totpMount: mount,
        timeoutMs: e.BARONG_VAULT_TIMEOUT,
      },
    };
  },
});
