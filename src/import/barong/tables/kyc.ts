/**
 * Profiles, phones and documents: Barong's encrypted columns decrypted and handed to the writer as plaintext (it
 * encrypts them under BARONG_ENCRYPTION_KEYS); our blind indexes rebuilt from the plaintext; document files copied.
 */
import type { ImportRow } from '../../../db/repositories/barong-import-repository.js';
import { checkCrcIndex, decryptColumn } from '../personal-data.js';
import { plain, perRow, timestamps, TIMESTAMPS, type ImportContext } from '../table-spec.js';
import { importedUploadKey } from '../document-files.js';
import type { Row } from '../../../db/row.js';

function refuse(ctx: ImportContext, table: string, row: Row, column: string, reason: string): undefined {
  ctx.problems.add({ table, id: Number(row.id), column, reason: `row not imported: ${reason}` });
  return undefined;
}

export const profiles = perRow(
  {
    source: 'profiles',
    target: 'profiles',
    columns: [
      'id',
      'user_id',
      'author',
      'applicant_id',
      'first_name_encrypted',
      'last_name_encrypted',
      'dob_encrypted',
      'address_encrypted',
      'postcode',
      'city',
      'country',
      'state',
      'metadata',
      ...TIMESTAMPS,
    ],
    secretColumns: ['first_name_encrypted', 'last_name_encrypted', 'dob_encrypted', 'address_encrypted'],
    checksum: [
      'id',
      'user_id',
      'first_name_encrypted',
      'last_name_encrypted',
      'dob_encrypted',
      'address_encrypted',
      'postcode',
      'city',
      'country',
      'state',
    ],
  },
  async (r, ctx) => {
    if (r.user_id === null) return refuse(ctx, 'profiles', r, 'user_id', 'a profile without a user');
    return {
      id: Number(r.id),
      user_id: Number(r.user_id),
      author: plain(r.author),
      applicant_id: plain(r.applicant_id),
      first_name_encrypted: await decryptColumn(ctx, 'profiles', r, 'first_name'),
      last_name_encrypted: await decryptColumn(ctx, 'profiles', r, 'last_name'),
      // Barong's API casts the birth date to a Ruby Date before it is encrypted; a string is taken as written.
      dob_encrypted: await decryptColumn(ctx, 'profiles', r, 'dob', 'any'),
      address_encrypted: await decryptColumn(ctx, 'profiles', r, 'address'),
      postcode: plain(r.postcode),
      city: plain(r.city),
      country: plain(r.country),
      state: r.state === null ? 0 : Number(r.state),
      metadata: plain(r.metadata),
      ...timestamps(r),
    };
  },
);

export const phones = perRow(
  {
    source: 'phones',
    target: 'phones',
    // Barong's pending `code` (a plaintext SMS code) has no place here: we keep only digests, and a user
    // with an unconfirmed number asks for a new code.
    columns: ['id', 'user_id', 'country', 'number_encrypted', 'number_index', 'validated_at', ...TIMESTAMPS],
    secretColumns: ['number_encrypted'],
    checksum: ['id', 'user_id', 'country', 'number_encrypted', 'validated_at'],
  },
  async (r, ctx) => {
    const decrypted = await decryptColumn(ctx, 'phones', r, 'number');
    checkCrcIndex(ctx, 'phones', r, 'number', decrypted);
    const digits = decrypted?.replace(/\D/g, '') ?? '';
    if (!digits) return refuse(ctx, 'phones', r, 'number_encrypted', 'the number is needed and did not decrypt');
    return {
      id: Number(r.id),
      user_id: Number(r.user_id),
      country: String(r.country),
      number_encrypted: digits,
      number_index: ctx.encryptor.blindIndex(digits),
      validated_at: plain(r.validated_at),
      ...timestamps(r),
    };
  },
);

export const documents = perRow(
  {
    source: 'documents',
    target: 'documents',
    columns: [
      'id',
      'user_id',
      'upload',
      'doc_type',
      'doc_expire',
      'doc_number_encrypted',
      'doc_number_index',
      'doc_issue',
      'doc_category',
      'identificator',
      'metadata',
      'content_type',
      'size',
      ...TIMESTAMPS,
    ],
    secretColumns: ['doc_number_encrypted'],
    dateColumns: ['doc_expire', 'doc_issue'],
    checksum: [
      'id',
      'user_id',
      'upload',
      'doc_type',
      'doc_expire',
      'doc_number_encrypted',
      'doc_category',
      'identificator',
    ],
  },
  async (r, ctx, mode) => {
    const number = await decryptColumn(ctx, 'documents', r, 'doc_number');
    checkCrcIndex(ctx, 'documents', r, 'doc_number', number);
    const trimmed = number?.trim() || null;
    const row: ImportRow = {
      id: Number(r.id),
      user_id: Number(r.user_id),
      upload: importedUploadKey(Number(r.id), r.upload === null ? '' : String(r.upload)),
      doc_type: r.doc_type === null ? '' : String(r.doc_type),
      doc_expire: plain(r.doc_expire),
      doc_number_encrypted: trimmed,
      doc_number_index: trimmed === null ? null : ctx.encryptor.blindIndex(trimmed),
      doc_issue: plain(r.doc_issue),
      doc_category: plain(r.doc_category),
      identificator: plain(r.identificator),
      metadata: plain(r.metadata),
      content_type: null,
      size: null,
      ...timestamps(r),
    };
    if (mode === 'import' && ctx.files && r.upload) {
      const copied = await ctx.files.carry(Number(r.id), String(r.upload), String(row.upload), ctx);
      if (copied) Object.assign(row, { content_type: copied.contentType, size: copied.size });
    } else if (mode === 'import' && r.upload)
      ctx.problems.add({
        table: 'documents',
        id: Number(r.id),
        column: 'upload',
        reason: 'no --uploads or --uploads-s3-bucket given: the file was not copied',
      });
    return row;
  },
);
