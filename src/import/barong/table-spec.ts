/**
 * One Barong table as the import sees it: which of our tables it fills, with which columns, and how a batch of
 * Barong rows becomes rows of ours. Secret columns hold plaintext in a mapped row; the writer encrypts them with our
 * Encryptor (or keeps the stored ciphertext when it already says the same), and the checksums compare plaintext.
 */
import type { BarongTable } from '../../db/barong-source.js';
import type { ImportRow } from '../../db/repositories/barong-import-repository.js';
import type { Row } from '../../db/row.js';
import type { Encryptor } from '../../lib/encryptor.js';
import type { BarongEncryption } from './message-encryptor.js';
import type { DocumentFiles } from './document-files.js';
import type { ProblemLog } from './problems.js';
import type { VaultTransit } from './vault-transit.js';

/**
 * `import` maps for writing: API-key secrets through Vault, document files copied (or, in a dry run, read and
 * hashed). `checksum` maps only what the closing checksums compare, without Vault or files.
 */
export type MapMode = 'import' | 'checksum';

export interface ImportContext {
  barong: BarongEncryption;
  encryptor: Encryptor;
  problems: ProblemLog;
  dryRun: boolean;
  /** Vault's TOTP key name prefix of users with 2FA (Barong's VAULT_APP_NAME): `<prefix>_<uid>`. */
  vaultTotpPrefix: string;
  vault?: VaultTransit;
  files?: DocumentFiles;
  /** BARONG_CRC32_SALT: when given, Barong's CRC32 indexes are checked against the decrypted values. */
  crc32Salt?: string;
}

export interface TableSpec {
  source: BarongTable;
  target: string;
  /** Every column of ours the import writes, `id` first. */
  columns: readonly string[];
  secretColumns?: readonly string[];
  /** DATE (not DATETIME) columns. */
  dateColumns?: readonly string[];
  /** The key columns the closing report checksums on both sides (secret ones as plaintext). */
  checksum: readonly string[];
  /** One mapped row per Barong row, or undefined for a row that cannot be imported (its reason is reported). */
  map(rows: Row[], ctx: ImportContext, mode: MapMode): Promise<(ImportRow | undefined)[]>;
}

/** A spec whose rows map one at a time. */
export function perRow(
  spec: Omit<TableSpec, 'map'>,
  mapRow: (row: Row, ctx: ImportContext, mode: MapMode) => Promise<ImportRow | undefined> | ImportRow | undefined,
): TableSpec {
  return {
    ...spec,
    async map(rows, ctx, mode) {
      const out: (ImportRow | undefined)[] = [];
      for (const row of rows) out.push(await mapRow(row, ctx, mode));
      return out;
    },
  };
}

/** A value as our columns take it: MySQL's strings and numbers, null for nothing. */
export function plain(v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number' || typeof v === 'string') return v;
  return String(v);
}

export const TIMESTAMPS = ['created_at', 'updated_at'] as const;

export function timestamps(row: Row): { created_at: string; updated_at: string } {
  return { created_at: String(row.created_at), updated_at: String(row.updated_at) };
}
