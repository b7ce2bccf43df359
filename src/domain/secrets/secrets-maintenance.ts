/**
 * `secrets reencrypt` and `secrets reindex`. Re-encryption moves every secret at rest (ENCRYPTED_COLUMNS) to the
 * newest BARONG_ENCRYPTION_KEYS version, after which older versions can leave the configuration. Re-indexing
 * recomputes every blind index (BLIND_INDEX_COLUMNS) under BARONG_BLIND_INDEX_KEY, after which the previous index
 * key can go. Each run is named after its target key, so it resumes only towards that key, and records one admin
 * activity with its totals.
 */
import {
  BLIND_INDEX_COLUMNS,
  ENCRYPTED_COLUMNS,
  type ColumnValues,
} from '../../db/repositories/secret-columns-repository.js';
import { Encryptor } from '../../lib/encryptor.js';
import { recordAdminActivity, type CliActor } from '../admin/admin-actor.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { runRewrite, type RewriteOptions, type RewriteSummary, type RewriteTable } from './secret-rewrite.js';

export interface SecretsMaintenanceDeps {
  uow: UnitOfWork;
  encryptor: Encryptor;
}

export class SecretsMaintenance {
  constructor(private readonly d: SecretsMaintenanceDeps) {}

  reencrypt(actor: CliActor, options: RewriteOptions): Promise<RewriteSummary> {
    const tables: RewriteTable[] = Object.entries(ENCRYPTED_COLUMNS).map(([table, columns]) => ({
      table,
      columns,
      rewrite: (values) => this.reencrypted(values),
    }));
    return this.recorded(
      actor,
      runRewrite(this.d.uow, `reencrypt:v${this.d.encryptor.currentVersion}`, tables, options),
    );
  }

  reindex(actor: CliActor, options: RewriteOptions): Promise<RewriteSummary> {
    const { encryptor } = this.d;
    const tables: RewriteTable[] = Object.entries(BLIND_INDEX_COLUMNS).map(([table, { index, source }]) => ({
      table,
      columns: [source, index],
      rewrite(values) {
        const plain = encryptor.decryptNullable(values[source]);
        const wanted = plain === null ? null : encryptor.blindIndex(plain);
        return wanted === values[index] ? undefined : { [index]: wanted };
      },
    }));
    // The run is named by a digest of the index key, never the key itself.
    const run = `reindex:${encryptor.blindIndex('barong blind-index key fingerprint').slice(0, 16)}`;
    return this.recorded(actor, runRewrite(this.d.uow, run, tables, options));
  }

  /** The values not under the newest key, re-encrypted under it. */
  private reencrypted(values: ColumnValues): ColumnValues | undefined {
    const { encryptor } = this.d;
    const changes = Object.entries(values).filter(
      (entry): entry is [string, string] =>
        entry[1] !== null && Encryptor.versionOf(entry[1]) !== encryptor.currentVersion,
    );
    return changes.length
      ? Object.fromEntries(changes.map(([column, value]) => [column, encryptor.encrypt(encryptor.decrypt(value))]))
      : undefined;
  }

  private async recorded(actor: CliActor, work: Promise<RewriteSummary>): Promise<RewriteSummary> {
    const record = (params: Record<string, unknown>) =>
      this.d.uow.run((w) => recordAdminActivity(w, actor, { topic: 'secrets', action: 'update', params }));
    let summary: RewriteSummary;
    try {
      summary = await work;
    } catch (err) {
      await record({ failed: (err as Error).message }).catch(() => undefined);
      throw err;
    }
    const sum = (count: (t: RewriteSummary['tables'][number]) => number) =>
      summary.tables.reduce((n, t) => n + count(t), 0);
    await record({
      run: summary.run,
      complete: summary.complete,
      read: sum((t) => t.read),
      rewritten: sum((t) => t.rewritten),
      unreadable: sum((t) => t.unreadable.count),
      conflicts: sum((t) => t.conflicts.count),
    });
    return summary;
  }
}
