/** Management API handlers. Phones (unmasked numbers) and documents (one base64 file per call). */
import type { Config } from '../../config/index.js';
import { AppError } from '../../errors/app-error.js';
import { validationKey } from '../../errors/error-keys.js';
import { isCalendarDate } from '../../domain/kyc/kyc-fields.js';
import type { DocumentsService } from '../../domain/kyc/documents-service.js';
import { ManagementRefusal } from '../../domain/management/signed-request.js';
import type { ManagementPhoneService } from '../../domain/phones/management-phone-service.js';
import type { UploadedFile } from '../../domain/kyc/upload-checks.js';
import type { Encryptor } from '../../lib/encryptor.js';
import { FILE_TYPES_BY_EXTENSION, OPAQUE_TYPE } from '../../lib/storage/served-file.js';
import { presentPhone } from '../presenters/user-presenter.js';
import type { Handler } from '../types.js';
import { withModelMessages } from './model-messages.js';

export interface KycManagementDeps {
  config: Pick<Config, 'uploads'>;
  managementPhones: ManagementPhoneService;
  documents: DocumentsService;
  encryptor: Encryptor;
}

/** Ruby's Base64.strict_decode64: the standard alphabet, padded, nothing else (no line breaks). */
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Barong writes the upload to a temporary file named `<filename>…<file_ext>`, whose extension is all CarrierWave
 * checks; here the name's extension also stands for the type a multipart part would declare, so the upload checks
 * (extension, type, magic bytes) run as on a resource upload.
 */
function uploadedFile(filename: string, fileExt: string, upload: string): UploadedFile & { extension: string } {
  if (!STRICT_BASE64.test(upload)) throw new ManagementRefusal(422, 'upload is invalid');
  const originalName = `${filename}${fileExt}`;
  const extension = /\.([A-Za-z0-9]+)$/.exec(originalName)?.[1]?.toLowerCase() ?? '';
  const mimeType = FILE_TYPES_BY_EXTENSION[extension] ?? OPAQUE_TYPE;
  return { originalName, mimeType, bytes: Buffer.from(upload, 'base64'), extension };
}

export function createKycManagementHandlers(d: KycManagementDeps) {
  const managementGetPhones: Handler<'managementGetPhones'> = async (req) => {
    const phones = await d.managementPhones.list(req.body.uid);
    return { status: 201, body: phones.map((p) => presentPhone(p, d.encryptor, 'unmasked')) };
  };

  const managementCreatePhone: Handler<'managementCreatePhone'> = async (req) => {
    const phone = await d.managementPhones.addVerified(req.body.uid, req.body.number);
    return { status: 201, body: presentPhone(phone, d.encryptor, 'unmasked') };
  };

  const managementDeletePhone: Handler<'managementDeletePhone'> = async (req) => {
    const phone = await d.managementPhones.remove(req.body.uid, req.body.number);
    return { status: 201, body: presentPhone(phone, d.encryptor, 'unmasked') };
  };

  const managementUploadDocument: Handler<'managementUploadDocument'> = async (req) => {
    const b = req.body;
    // The contract's date format takes any day up to 31 in any month; Ruby's Date takes real days only.
    if (b.doc_expire && !isCalendarDate(b.doc_expire))
      throw new AppError(422, validationKey('request', 'invalid', 'doc_expire'));
    const { extension, ...file } = uploadedFile(b.filename, b.file_ext, b.upload);
    const input = {
      docType: b.doc_type,
      docNumber: b.doc_number,
      docExpire: b.doc_expire ?? undefined,
      metadata: b.metadata === undefined ? undefined : JSON.stringify(b.metadata),
    };
    const upload = { extension, allowed: d.config.uploads.extensions, maxBytes: d.config.uploads.maxBytes };
    await withModelMessages(() => d.documents.push(b.uid, input, file, b.update_labels ?? true), {
      sentence: true,
      upload,
    });
    return { status: 201, body: {} };
  };

  return { managementGetPhones, managementCreatePhone, managementDeletePhone, managementUploadDocument };
}
