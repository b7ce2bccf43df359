/**
 * Vault's transit engine over its HTTP API, for the API-key secrets Barong stored there: `POST
 * <addr>/v1/<mount>/decrypt/<key>` with `batch_input`, so a batch of keys costs one request. Vault's plaintexts
 * are Base64 (vault-rails encodes the secret so before encrypting it): each is decoded once.
 */

export interface VaultTransitOptions {
  address: string;
  token: string;
  /** vault-rails' key name: `<VAULT_APP_NAME>_apikeys_secret`. */
  key: string;
  mount?: string;
  fetch?: typeof fetch;
}

interface BatchResult {
  plaintext?: string;
  error?: string;
}

export class VaultTransit {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: VaultTransitOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  /** One plaintext per ciphertext, null where Vault refused it (or the ciphertext is empty). */
  async decryptAll(ciphertexts: string[]): Promise<(string | null)[]> {
    const wanted = ciphertexts.map((c, i) => ({ c, i })).filter(({ c }) => c.startsWith('vault:'));
    const out: (string | null)[] = ciphertexts.map(() => null);
    if (!wanted.length) return out;
    const { address, key, mount = 'transit', token } = this.options;
    const url = `${address.replace(/\/+$/, '')}/v1/${mount}/decrypt/${encodeURIComponent(key)}`;
    const response = await this.fetch(url, {
      method: 'POST',
      headers: { 'X-Vault-Token': token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ batch_input: wanted.map(({ c }) => ({ ciphertext: c })) }),
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await response.json().catch(() => ({}))) as {
      data?: { batch_results?: BatchResult[] };
      errors?: string[];
    };
    const results = body.data?.batch_results;
    // Vault answers 400 to a batch in which some items failed, with the good ones still in batch_results.
    if (!results)
      throw new Error(`Vault refused the transit decrypt (HTTP ${response.status}): ${(body.errors ?? []).join('; ')}`);
    wanted.forEach(({ i }, n) => {
      const plaintext = results[n]?.plaintext;
      out[i] = plaintext === undefined ? null : Buffer.from(plaintext, 'base64').toString('utf8');
    });
    return out;
  }
}
