/**
 * Barong's `apikeys` into our `api_keys`. Their secrets are ciphertexts of Vault's transit engine (`vault:v1:…`,
 * key `<VAULT_APP_NAME>_apikeys_secret`, as vault-rails names it): decrypted through Vault's HTTP API, a batch at a
 * time, and handed to the writer as plaintext, which encrypts them with our key. A key whose secret Vault will not
 * give back cannot sign anything, so it is not imported (and reported).
 */
import type { ImportRow } from '../../../db/repositories/barong-import-repository.js';
import type { Row } from '../../../db/row.js';
import { plain, timestamps, TIMESTAMPS, type ImportContext, type TableSpec } from '../table-spec.js';

/** Rails' `serialize :scope, Array` writes YAML: `--- []` or `---\n- trade\n- read\n`. */
export function scopeFromYaml(yaml: unknown): string[] {
  if (yaml === null || yaml === undefined || yaml === '') return [];
  const text = String(yaml).trim();
  if (/^---\s*\[\s*\]$/.test(text)) return [];
  const items: string[] = [];
  for (const line of text.split('\n').slice(text.startsWith('---') ? 1 : 0)) {
    const match = /^-\s+(.*)$/.exec(line.trim());
    if (!match) throw new Error('scope is not a YAML list');
    items.push(match[1]!.replace(/^(['"])(.*)\1$/, '$2'));
  }
  return items;
}

async function secretsOf(rows: Row[], ctx: ImportContext): Promise<(string | null)[]> {
  const ciphertexts = rows.map((r) => (r.secret_encrypted ? String(r.secret_encrypted) : ''));
  if (!ctx.vault) return rows.map(() => null);
  return ctx.vault.decryptAll(ciphertexts);
}

export const apiKeys: TableSpec = {
  source: 'apikeys',
  target: 'api_keys',
  columns: [
    'id',
    'key_holder_account_type',
    'key_holder_account_id',
    'kid',
    'algorithm',
    'scope',
    'secret_encrypted',
    'state',
    ...TIMESTAMPS,
  ],
  secretColumns: ['secret_encrypted'],
  checksum: ['id', 'key_holder_account_type', 'key_holder_account_id', 'kid', 'algorithm', 'scope', 'state'],
  async map(rows, ctx, mode) {
    const secrets = mode === 'import' ? await secretsOf(rows, ctx) : rows.map(() => '');
    return rows.map((r, i): ImportRow | undefined => {
      const id = Number(r.id);
      let scope: string[];
      try {
        scope = scopeFromYaml(r.scope);
      } catch (err) {
        ctx.problems.add({ table: 'apikeys', id, column: 'scope', reason: (err as Error).message });
        scope = [];
      }
      const secret = secrets[i];
      if (secret === null || secret === undefined) {
        ctx.problems.add({
          table: 'apikeys',
          id,
          column: 'secret_encrypted',
          reason: ctx.vault
            ? 'row not imported: Vault did not decrypt the secret'
            : 'row not imported: no --vault-addr given, the secret stays in Vault',
        });
        return undefined;
      }
      return {
        id,
        key_holder_account_type: String(r.key_holder_account_type),
        key_holder_account_id: Number(r.key_holder_account_id),
        kid: String(r.kid),
        algorithm: String(r.algorithm),
        scope: JSON.stringify(scope),
        secret_encrypted: secret,
        state: plain(r.state) ?? 'active',
        ...timestamps(r),
      };
    });
  },
};
