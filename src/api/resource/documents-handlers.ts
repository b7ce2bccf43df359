/** /resource/documents and /resource/addresses: KYC uploads (multipart) and the user's document list. */
import type { Request } from 'express';
import type { DocumentsService, ListedDocument } from '../../domain/kyc/documents-service.js';
import type { UploadedFile } from '../../domain/kyc/upload-checks.js';
import type { components } from '../../generated/api.js';
import { maskDocumentNumber } from '../presenters/format.js';
import type { Handler } from '../types.js';
import { currentUser } from './current-user.js';

export interface DocumentsHandlerDeps {
  documents: DocumentsService;
}

/** The files of the `upload` field (multer already reads Barong's `upload[]` as `upload`, see upload-options.ts). */
function uploadedFiles(req: Request, field = 'upload'): UploadedFile[] {
  const files = Array.isArray(req.files) ? req.files : Object.values(req.files ?? {}).flat();
  return files
    .filter((f) => f.fieldname === field)
    .map((f) => ({ originalName: f.originalname, mimeType: f.mimetype, bytes: f.buffer }));
}

function presentDocument(doc: ListedDocument): components['schemas']['API_V2_Entities_Document'] {
  return {
    upload: doc.url,
    doc_type: doc.docType,
    doc_number: maskDocumentNumber(doc.docNumber),
    doc_expire: doc.docExpire,
  };
}

export function createDocumentsHandlers(d: DocumentsHandlerDeps) {
  const listDocuments: Handler<'listDocuments'> = async (req) => {
    const docs = await d.documents.list(currentUser(req));
    return { status: 200, body: docs.map(presentDocument) };
  };

  const uploadDocuments: Handler<'uploadDocuments'> = async (req) => {
    const b = req.body;
    const input = {
      docType: b.doc_type,
      docNumber: b.doc_number,
      docExpire: b.doc_expire,
      docCategory: b.doc_category,
      identificator: b.identificator,
      metadata: b.metadata,
    };
    await d.documents.upload(currentUser(req), input, uploadedFiles(req));
    return { status: 201, body: {} };
  };

  const uploadAddress: Handler<'uploadAddress'> = async (req) => {
    const { country, address, city, postcode } = req.body;
    await d.documents.uploadAddress(currentUser(req), { country, address, city, postcode }, uploadedFiles(req));
    return { status: 201, body: {} };
  };

  return { listDocuments, uploadDocuments, uploadAddress };
}
