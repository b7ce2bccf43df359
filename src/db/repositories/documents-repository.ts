/** KYC documents and proofs of address, one row per stored file as in Barong; the caller encrypts the number. */
import type { Knex } from 'knex';
import type { Row } from '../row.js';

export interface DocumentRecord {
  id: number;
  userId: number;
  /** The storage key of the file. */
  upload: string;
  docType: string;
  /** YYYY-MM-DD or null. */
  docExpire: string | null;
  docNumberEncrypted: string | null;
  docNumberIndex: string | null;
  docCategory: string | null;
  identificator: string | null;
  metadata: string | null;
  contentType: string | null;
  size: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export type NewDocument = Omit<DocumentRecord, 'id' | 'createdAt' | 'updatedAt'>;

const dateOnly = (v: Date | string | null): string | null =>
  v === null ? null : typeof v === 'string' ? v.slice(0, 10) : v.toISOString().slice(0, 10);

const toDocument = (r: Row): DocumentRecord => ({
  id: Number(r.id),
  userId: Number(r.user_id),
  upload: r.upload,
  docType: r.doc_type,
  docExpire: dateOnly(r.doc_expire),
  docNumberEncrypted: r.doc_number_encrypted,
  docNumberIndex: r.doc_number_index,
  docCategory: r.doc_category,
  identificator: r.identificator,
  metadata: r.metadata,
  contentType: r.content_type,
  size: r.size === null ? null : Number(r.size),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class DocumentsRepository {
  constructor(private readonly db: Knex) {}

  async countByUser(userId: number): Promise<number> {
    const [r] = await this.db('documents').where({ user_id: userId }).count({ n: '*' });
    return Number(r?.n ?? 0);
  }

  async listByUser(userId: number): Promise<DocumentRecord[]> {
    const rows = await this.db('documents').where({ user_id: userId }).orderBy('id');
    return rows.map(toDocument);
  }

  async insert(doc: NewDocument): Promise<DocumentRecord> {
    const [id] = await this.db('documents').insert({
      user_id: doc.userId,
      upload: doc.upload,
      doc_type: doc.docType,
      doc_expire: doc.docExpire,
      doc_number_encrypted: doc.docNumberEncrypted,
      doc_number_index: doc.docNumberIndex,
      doc_category: doc.docCategory,
      identificator: doc.identificator,
      metadata: doc.metadata,
      content_type: doc.contentType,
      size: doc.size,
    });
    return toDocument(await this.db('documents').where({ id }).first());
  }
}
