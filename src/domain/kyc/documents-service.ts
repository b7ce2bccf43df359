/**
 * KYC documents and proofs of address (docs/parity.md#all-or-nothing-uploads).
 * A batch is all or nothing: every check runs
 * before anything is stored; then the files are stored, then the rows are written in one transaction that holds
 * the user's row (so the per-user limit holds under concurrent uploads). If anything fails after the first file
 * was stored, every stored file is deleted again: no orphan rows, no orphan files. Barong saves file by file and
 * keeps the ones before a failure.
 */
import { randomBytes } from 'node:crypto';
import validator from 'validator';
import type { User } from '../../db/repositories/users-repository.js';
import type { DocumentRecord } from '../../db/repositories/documents-repository.js';
import type { Encryptor } from '../../lib/encryptor.js';
import type { Logger } from '../../lib/logger.js';
import type { FileStorage } from '../../lib/storage/file-storage.js';
import { badRequest, notFound, unprocessable } from '../../errors/app-error.js';
import type { UnitOfWork, Work } from '../unit-of-work.js';
import type { PrivateLabels } from '../labels/private-labels.js';
import { eventUser } from '../accounts/event-user.js';
import { checkUpload, type CheckedFile, type UploadedFile, type UploadRules } from './upload-checks.js';
import { expiryErrors, modelErrors, requestError, type DocumentInput, type DocumentRules } from './document-rules.js';
import type { ErrorKey } from '../../errors/error-keys.js';

export const ADDRESS_DOC_TYPE = 'Address';

export interface DocumentsServiceDeps {
  uow: UnitOfWork;
  encryptor: Encryptor;
  privateLabels: PrivateLabels;
  storage: FileStorage;
  logger: Logger;
  documents: DocumentRules & { perUserLimit: number };
  uploads: UploadRules & { urlExpirationSeconds: number };
}

export interface AddressInput {
  country: string;
  address: string;
  city: string;
  postcode: string;
}

/** A document as its owner sees it: a signed link to the file and the plain number (the presenter masks it). */
export interface ListedDocument {
  url: string;
  docType: string;
  docNumber: string | null;
  docExpire: string | null;
}

type Shared = Omit<DocumentInput, 'identificator'> & { identificator: string };

/**
 * How a stored batch reaches the user's KYC step: the private label it moves to `pending` (none: labels are left
 * alone), and who sends it: the user (verified stays verified, the per-user limit holds) or the exchange's services.
 */
interface Filing {
  label?: 'document' | 'address';
  by: 'user' | 'service';
}

const stepOf = (docType: string) => (docType === ADDRESS_DOC_TYPE ? 'address' : 'document');

export class DocumentsService {
  constructor(private readonly d: DocumentsServiceDeps) {}

  async list(user: User): Promise<ListedDocument[]> {
    const docs = await this.d.uow.repos.documents.listByUser(user.id);
    return Promise.all(
      docs.map(async (doc) => ({
        url: await this.d.storage.url(doc.upload, this.d.uploads.urlExpirationSeconds),
        docType: doc.docType,
        docNumber: this.d.encryptor.decryptNullable(doc.docNumberEncrypted),
        docExpire: doc.docExpire,
      })),
    );
  }

  async upload(user: User, input: DocumentInput, files: UploadedFile[]): Promise<DocumentRecord[]> {
    const problem = requestError(input, this.d.documents);
    if (problem) throw unprocessable(problem);
    await this.checkLimit(user, files.length);
    const checked = await this.checkBatch(modelErrors(input, this.d.documents, true), files);
    const shared = { ...input, identificator: input.identificator || newIdentificator() };
    return this.save(user, shared, checked, { label: stepOf(input.docType), by: 'user' });
  }

  /**
   * One document the exchange's services push (management API): the document model's checks, its expiry included,
   * and the file checks and storage of an upload; no per-user limit, as in Barong. With `updateLabels` the KYC step
   * runs as for an upload, except that a verified step goes back to `pending` too, as Barong's step does for every
   * new document: a trusted service asked for it, not the user.
   */
  async push(uid: string, input: DocumentInput, file: UploadedFile, updateLabels: boolean): Promise<DocumentRecord> {
    const user = await this.d.uow.repos.users.findByUid(uid);
    if (!user) throw notFound();
    const checked = await this.checkBatch(
      [...modelErrors(input, this.d.documents, true), ...expiryErrors(input.docExpire, this.d.documents)],
      [file],
    );
    const shared = { ...input, identificator: newIdentificator() };
    const [doc] = await this.save(user, shared, checked, {
      label: updateLabels ? stepOf(input.docType) : undefined,
      by: 'service',
    });
    return doc!;
  }

  /** Proof of address: `Address` documents without number or expiry (Barong requires an expiry here by mistake). */
  async uploadAddress(user: User, address: AddressInput, files: UploadedFile[]): Promise<DocumentRecord[]> {
    const upper = address.country.trim().toUpperCase();
    if (!validator.isISO31661Alpha2(upper) && !validator.isISO31661Alpha3(upper))
      throw unprocessable('country.invalid');
    await this.checkLimit(user, files.length);
    const checked = await this.checkBatch([], files);
    const shared: Shared = { docType: ADDRESS_DOC_TYPE, identificator: newIdentificator() };
    return this.save(user, shared, checked, { label: 'address', by: 'user' });
  }

  private async checkLimit(user: User, adding: number, w?: Work): Promise<void> {
    const existing = await (w ?? this.d.uow).repos.documents.countByUser(user.id);
    const limit = this.d.documents.perUserLimit;
    if (existing >= limit) throw badRequest('resource.documents.limit_reached');
    if (existing + adding > limit) throw badRequest('resource.documents.limit_will_be_reached');
  }

  /** Every model and file check of the batch, reported together; nothing is stored unless all pass. */
  private async checkBatch(errors: ErrorKey[], files: UploadedFile[]): Promise<CheckedFile[]> {
    const all = [...errors];
    if (files.length === 0) all.push('upload.blank');
    const checked: CheckedFile[] = [];
    for (const file of files) {
      const result = await checkUpload(file, this.d.uploads);
      if (result.ok) checked.push(result.file);
      else all.push(result.key);
    }
    if (all.length) throw unprocessable([...new Set(all)]);
    return checked;
  }

  private async save(user: User, shared: Shared, files: CheckedFile[], filing: Filing): Promise<DocumentRecord[]> {
    const { label, by } = filing;
    // Once verified, a step stays verified for the user (docs/parity.md#verified-stays-verified): refused before any
    // file is stored, and again by set().
    if (label && by === 'user')
      await this.d.privateLabels.assertUserMayChange(this.d.uow.repos.labels, user, label, 'pending');
    const stored: string[] = [];
    try {
      const keyed = files.map((file) => ({
        file,
        key: `documents/${user.uid}/${randomBytes(16).toString('hex')}.${file.extension}`,
      }));
      for (const { file, key } of keyed) {
        stored.push(key);
        await this.d.storage.put(key, file.bytes);
      }
      return await this.d.uow.run(async (w) => {
        await w.repos.users.lockRow(user.id);
        if (by === 'user') await this.checkLimit(user, files.length, w);
        const number = shared.docNumber?.trim() || null;
        const docs: DocumentRecord[] = [];
        for (const { file, key } of keyed) {
          docs.push(
            await w.repos.documents.insert({
              userId: user.id,
              upload: key,
              docType: shared.docType,
              docExpire: shared.docExpire?.trim() || null,
              docNumberEncrypted: this.d.encryptor.encryptNullable(number),
              docNumberIndex: number === null ? null : this.d.encryptor.blindIndex(number),
              docCategory: shared.docCategory || null,
              identificator: shared.identificator,
              metadata: shared.metadata?.trim() || null,
              contentType: file.contentType,
              size: file.bytes.length,
            }),
          );
        }
        const owner = (await w.repos.users.findById(user.id)) ?? user;
        const updated = label
          ? await this.d.privateLabels.set(w, owner, label, 'pending', { by: by === 'user' ? 'user' : 'admin' })
          : owner;
        const eventOwner = eventUser(updated, await w.repos.users.uidOf(updated.referralId));
        for (const doc of docs) w.emit('model.document.created', { record: eventRecord(eventOwner, doc, number) });
        return docs;
      });
    } catch (err) {
      await this.discard(stored);
      throw err;
    }
  }

  private async discard(keys: string[]): Promise<void> {
    const results = await Promise.allSettled(keys.map((key) => this.d.storage.delete(key)));
    results.forEach((r, i) => {
      if (r.status === 'rejected')
        this.d.logger.error({ err: r.reason, key: keys[i] }, 'could not delete an uploaded file after a failed batch');
    });
  }
}

function newIdentificator(): string {
  return randomBytes(16).toString('hex');
}

/** Barong's model.document.created record (null fields left out); `upload` is the storage key, not a link. */
function eventRecord(
  user: ReturnType<typeof eventUser>,
  doc: DocumentRecord,
  number: string | null,
): Record<string, unknown> {
  const record: Record<string, unknown> = {
    user,
    upload: doc.upload,
    doc_type: doc.docType,
    doc_number: number,
    doc_expire: doc.docExpire,
    metadata: doc.metadata,
    created_at: doc.createdAt.toISOString(),
    updated_at: doc.updatedAt.toISOString(),
  };
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== null));
}
