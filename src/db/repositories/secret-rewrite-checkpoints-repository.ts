/** Where an interrupted `secrets reencrypt` / `secrets reindex` run resumes: per run and table, the last id done. */
import type { Knex } from 'knex';
import type { Row } from '../row.js';

export interface Checkpoint {
  lastId: number;
  finished: boolean;
}

export class SecretRewriteCheckpointsRepository {
  constructor(private readonly db: Knex) {}

  /** By table. */
  async find(run: string): Promise<Map<string, Checkpoint>> {
    const rows: Row[] = await this.db('secret_rewrite_checkpoints').where({ run });
    return new Map(
      rows.map((r) => [r.table_name as string, { lastId: Number(r.last_id), finished: r.finished_at !== null }]),
    );
  }

  async save(run: string, table: string, checkpoint: Checkpoint): Promise<void> {
    const row = { last_id: checkpoint.lastId, finished_at: checkpoint.finished ? new Date() : null };
    await this.db('secret_rewrite_checkpoints')
      .insert({ run, table_name: table, ...row })
      .onConflict(['run', 'table_name'])
      .merge(row);
  }

  async clear(run: string): Promise<void> {
    await this.db('secret_rewrite_checkpoints').where({ run }).delete();
  }
}
