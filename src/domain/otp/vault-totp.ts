/**
 * Vault's TOTP engine, asked about the codes of users imported from Barong: their keys live there and Vault never
 * gives a key back, so until they re-enrol Vault checks their codes, as Barong's TOTPService does (write
 * `<mount>/code/<key>` with the code → `data.valid`). Fails closed: an unreachable, slow or refusing Vault makes the
 * check throw VaultUnavailable, never a success.
 */
import type { Logger } from '../../lib/logger.js';

export interface VaultTotpSettings {
  address: string;
  token: string;
  totpMount: string;
  timeoutMs: number;
}

/** Vault could not give an answer: the code is neither right nor wrong, and is refused. */
export class VaultUnavailable extends Error {}

/** Vault's answer to a code it has seen in this period (Barong: "This code was already used"). */
const ALREADY_USED = /code already used/i;

export class VaultTotp {
  constructor(
    private readonly settings: VaultTotpSettings,
    private readonly logger: Logger,
  ) {}

  /** Whether Vault accepts the code for the key; Vault itself refuses a code used before in its period. */
  async validate(keyName: string, code: string): Promise<boolean> {
    const { address, token, totpMount, timeoutMs } = this.settings;
    const url = `${address}/v1/${totpMount}/code/${encodeURIComponent(keyName)}`;
    let res: Response;
    let body: unknown;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'X-Vault-Token': token, 'Content-Type': 'application/json' },
        body: JSON.stringify({ code }),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
      body = await res.json().catch(() => undefined);
    } catch (err) {
      this.logger.warn({ err: String(err) }, 'vault totp: no answer');
      throw new VaultUnavailable('Vault did not answer', { cause: err });
    }
    if (res.ok) return (body as { data?: { valid?: unknown } } | undefined)?.data?.valid === true;
    const errors = (body as { errors?: unknown } | undefined)?.errors;
    const messages = Array.isArray(errors) ? errors.map(String) : [];
    // A reused code, or one Vault cannot read, is a wrong code; anything else (bad token, unknown key, sealed) is ours.
    if (res.status === 400 && (messages.some((m) => ALREADY_USED.test(m)) || messages.some(isCodeProblem))) {
      return false;
    }
    this.logger.warn({ status: res.status, errors: messages }, 'vault totp: refused the check');
    throw new VaultUnavailable(`Vault answered ${res.status}`);
  }
}

/** Vault's 400s about the code itself rather than the key or the request. */
const isCodeProblem = (message: string): boolean => /\bcode\b/i.test(message) && !/unknown key/i.test(message);
