/** Management API: phones (added verified, listed and deleted unmasked) and documents (base64, the upload checks). */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { activeUser, createUser } from '../support/factories.js';
import { recordEvents } from '../support/account-client.js';
import { callManagement, managementKeys } from '../support/management-client.js';
import { PNG, TEXT } from '../support/sample-files.js';
import type { DomainEvent } from '../../src/domain/events/domain-events.js';

const keys = managementKeys();
let t: TestApp;
let dir: string;
let events: DomainEvent[];
let numberSeq = 100;
/** A fresh valid number in the fictional 202-555-01xx range, digits only as Barong stores it. */
const newNumber = () => `1202555${String(numberSeq++).padStart(4, '0')}`;

const call = (p: string, data: unknown, signers?: string[]) => callManagement(t.app, keys, p, data, signers);
const privateLabel = (userId: number, key: string) =>
  t.db.knex('labels').where({ user_id: userId, key, scope: 'private' }).first();

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'barong-mgn-docs-'));
  t = await startTestApp({
    BARONG_MANAGEMENT_API_CONFIG: keys.file,
    BARONG_STORAGE_LOCAL_PATH: dir,
    BARONG_UPLOAD_SIZE_MAX_RANGE: '1',
    BARONG_DOC_NUM_LIMIT: '1',
  });
  events = recordEvents(t);
});
afterAll(async () => {
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('management phones', () => {
  it('adds a verified phone without a code, a label or a level change, and lists it unmasked', async () => {
    const user = await activeUser(t);
    const number = newNumber();
    const res = await call('/phones', { uid: user.uid, number: `+${number}` });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ country: 'US', number, validated_at: expect.any(String) });
    expect(await privateLabel(user.id, 'phone')).toBeUndefined();
    expect((await t.services.uow.repos.users.findById(user.id))!.level).toBe(user.level);
    const list = await call('/phones/get', { uid: user.uid }, ['applogic', 'peatio']);
    expect(list.status).toBe(201);
    expect(list.body).toEqual([res.body]);
  });

  it("refuses Barong's way: an unknown user, an invalid number, one verified by anybody, one the user has", async () => {
    const [a, b] = [await activeUser(t), await activeUser(t)];
    const number = newNumber();
    expect((await call('/phones', { uid: 'ID0000000000', number })).body).toEqual({ error: 'user.doesnt_exist' });
    expect((await call('/phones', { uid: a.uid, number: '+1202' })).status).toBe(400);
    expect((await call('/phones', { uid: a.uid, number: '+1202' })).body).toEqual({
      error: 'management.phone.invalid_num',
    });
    expect((await call('/phones', { uid: a.uid, number })).status).toBe(201);
    for (const uid of [a.uid, b.uid]) {
      const res = await call('/phones', { uid, number });
      expect([res.status, res.body]).toEqual([400, { error: 'management.phone.number_exist' }]);
    }
    const pending = newNumber();
    await t.db.knex('phones').insert({
      user_id: b.id,
      country: 'US',
      number_encrypted: t.services.encryptor.encrypt(pending),
      number_index: t.services.encryptor.blindIndex(pending),
    });
    const again = await call('/phones', { uid: b.uid, number: pending });
    expect([again.status, again.body]).toEqual([400, { error: 'management.phone.exists' }]);
    const list = await call('/phones/get', { uid: b.uid });
    expect(list.body).toEqual([{ country: 'US', number: pending, validated_at: null }]);
  });

  it("answers the validation and the unknown user with Grape's wording, 422", async () => {
    const none = await call('/phones', {});
    expect([none.status, none.body]).toEqual([
      422,
      { error: 'uid is missing, uid is empty, number is missing, number is empty' },
    ]);
    const unknown = await call('/phones/get', { uid: 'ID0000000000' });
    expect([unknown.status, unknown.body]).toEqual([422, { error: 'user.doesnt_exist' }]);
  });

  it('deletes a phone of the user and answers it; labels stay; a number not theirs is doesnt_exists', async () => {
    const user = await activeUser(t);
    const other = await activeUser(t);
    const number = newNumber();
    await call('/phones', { uid: user.uid, number });
    await t.services.uow.run((w) => t.services.privateLabels.set(w, user, 'phone', 'verified', { by: 'admin' }));
    for (const [uid, n] of [
      [other.uid, number],
      [user.uid, '+1202'],
      [user.uid, newNumber()],
    ]) {
      const res = await call('/phones/delete', { uid, number: n });
      expect([res.status, res.body]).toEqual([422, { error: 'management.phone.doesnt_exists' }]);
    }
    const res = await call('/phones/delete', {
      uid: user.uid,
      number: `+1 (${number.slice(1, 4)}) ${number.slice(4)}`,
    });
    expect([res.status, res.body]).toEqual([201, { country: 'US', number, validated_at: expect.any(String) }]);
    expect((await call('/phones/get', { uid: user.uid })).body).toEqual([]);
    expect((await privateLabel(user.id, 'phone'))?.value).toBe('verified');
  });

  it('refuses a request the scope’s mandatory signer did not sign', async () => {
    const user = await activeUser(t);
    for (const [p, data] of [
      ['/phones/get', { uid: user.uid }],
      ['/phones', { uid: user.uid, number: newNumber() }],
      ['/phones/delete', { uid: user.uid, number: newNumber() }],
    ] as const) {
      const res = await call(p, data, ['peatio']);
      expect([res.status, res.body]).toEqual([401, { error: 'Not enough signatures for the action.' }]);
    }
  });
});

describe('management documents', () => {
  const doc = (uid: string, extra: Record<string, unknown> = {}) => ({
    uid,
    doc_type: 'Passport',
    doc_number: 'AA1234BB',
    doc_expire: '2035-01-22',
    filename: 'passport',
    file_ext: '.png',
    upload: PNG.toString('base64'),
    ...extra,
  });
  const rows = (userId: number) => t.db.knex('documents').where({ user_id: userId }).orderBy('id');

  it('stores the file as an upload is stored, moves the document step to pending and announces the document', async () => {
    const user = await activeUser(t);
    const res = await call('/documents', doc(user.uid, { metadata: { source: 'kyc-vendor' } }));
    expect([res.status, res.body]).toEqual([201, {}]);
    const [row] = await rows(user.id);
    expect(row).toMatchObject({
      doc_type: 'Passport',
      content_type: 'image/png',
      size: PNG.length,
      metadata: '{"source":"kyc-vendor"}',
    });
    expect(t.services.encryptor.decrypt(row.doc_number_encrypted)).toBe('AA1234BB');
    expect(await readdir(path.join(dir, 'documents', user.uid))).toHaveLength(1);
    expect((await privateLabel(user.id, 'document'))?.value).toBe('pending');
    expect(
      events.some(
        (e) =>
          e.name === 'model.document.created' && (e.payload.record as { user: { uid: string } }).user.uid === user.uid,
      ),
    ).toBe(true);
  });

  it('leaves labels alone with update_labels=false, moves a verified step back otherwise, and knows no per-user limit', async () => {
    const user = await createUser(t, { privateLabels: { email: 'verified', document: 'verified' } });
    expect((await call('/documents', doc(user.uid, { update_labels: false }))).status).toBe(201);
    expect((await privateLabel(user.id, 'document'))?.value).toBe('verified');
    expect((await call('/documents', doc(user.uid))).status).toBe(201);
    expect((await privateLabel(user.id, 'document'))?.value).toBe('pending');
    expect(await rows(user.id)).toHaveLength(2); // BARONG_DOC_NUM_LIMIT is 1 for the user's own uploads
  });

  it('answers the model and file checks as one Rails sentence, and stores nothing', async () => {
    const user = await activeUser(t);
    const refused = async (extra: Record<string, unknown>) => {
      const res = await call('/documents', doc(user.uid, extra));
      expect(res.status).toBe(422);
      return res.body.error;
    };
    expect(await refused({ doc_type: 'Selfie', doc_expire: null })).toBe(
      "Doc type is not included in the list and Doc expire can't be blank",
    );
    expect(await refused({ doc_number: 'AA-12/34', doc_expire: '2001-01-01' })).toBe(
      'Doc number only allows letters and digits and Doc expire is invalid',
    );
    expect(await refused({ upload: TEXT.toString('base64') })).toBe('Upload is not of an allowed file type');
    expect(await refused({ file_ext: '.exe' })).toBe(
      'Upload You are not allowed to upload "exe" files, allowed types: jpg, jpeg, png, pdf',
    );
    expect(await refused({ file_ext: 'png' })).toBe(
      'Upload You are not allowed to upload "" files, allowed types: jpg, jpeg, png, pdf',
    );
    expect(
      await refused({ upload: Buffer.concat([PNG, Buffer.alloc(1024 * 1024 + 1 - PNG.length)]).toString('base64') }),
    ).toBe('Upload File size should be less than 1 MB');
    expect(await refused({ upload: 'not base64!' })).toBe('upload is invalid');
    expect(await refused({ doc_expire: '2035-02-30' })).toBe('doc_expire management.documents.expire_not_a_date');
    expect(await refused({ update_labels: 'perhaps' })).toBe('update_labels management.documents.update_labels_inalid');
    expect(await refused({ filename: '' })).toBe('filename is empty');
    expect(await rows(user.id)).toEqual([]);
    expect(await readdir(path.join(dir, 'documents')).catch(() => [])).not.toContain(user.uid);
  });

  it('answers 404 for an unknown user and 401 without the mandatory signer', async () => {
    const missing = await call('/documents', doc('ID0000000000'));
    expect([missing.status, missing.body]).toEqual([404, { error: 'Record is not found' }]);
    const user = await activeUser(t);
    const unsigned = await call('/documents', doc(user.uid), ['peatio']);
    expect([unsigned.status, unsigned.body]).toEqual([401, { error: 'Not enough signatures for the action.' }]);
  });
});
