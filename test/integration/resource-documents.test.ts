import type { Json } from '../../src/lib/json.js';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createUser } from '../support/factories.js';
import { bearer, login, recordEvents, withSession, withToken, RESOURCE } from '../support/account-client.js';
import { startS3StandIn, type S3StandIn } from '../support/s3-stand-in.js';
import { HTML, JPEG, PDF, PNG, SVG, TEXT } from '../support/sample-files.js';
import { LocalStorage } from '../../src/lib/storage/local-storage.js';
import { uploadSigningKey } from '../../src/lib/storage/create-file-storage.js';
import type { DomainEvent } from '../../src/domain/events/domain-events.js';

const DOC = { doc_type: 'Passport', doc_number: 'AB123456', doc_expire: '2035-01-01', doc_category: 'front_side' };
type Part = { name?: string; bytes: Buffer; filename: string; contentType: string };
const png = (filename = 'passport.png'): Part => ({ bytes: PNG, filename, contentType: 'image/png' });

/** A superagent parser that keeps the body as raw bytes. */
const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
};

function upload(t: TestApp, token: string, fields: Record<string, string>, parts: Part[], pathName = '/documents') {
  const req = withToken(t, 'post', pathName, token);
  for (const [k, v] of Object.entries(fields)) req.field(k, v);
  for (const p of parts) req.attach(p.name ?? 'upload', p.bytes, { filename: p.filename, contentType: p.contentType });
  return req;
}

async function filesUnder(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  } catch {
    return [];
  }
}

const docRows = (t: TestApp, userId: number) => t.db.knex('documents').where({ user_id: userId }).orderBy('id');
const privateLabel = (t: TestApp, userId: number, key: string) =>
  t.db.knex('labels').where({ user_id: userId, key, scope: 'private' }).first();

describe('local storage', () => {
  let t: TestApp;
  let dir: string;
  let events: DomainEvent[];
  const member = async () => {
    const user = await createUser(t);
    return { user, token: await bearer(t, user) };
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'barong-docs-'));
    t = await startTestApp({ BARONG_STORAGE_LOCAL_PATH: dir, BARONG_UPLOAD_SIZE_MAX_RANGE: '1' });
    events = recordEvents(t);
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('POST /resource/documents', () => {
    it('stores the file and a row (number encrypted, blind index), sets document: pending, records the event', async () => {
      const { user, token } = await member();
      const res = await upload(t, token, { ...DOC, metadata: '{"country":"US"}' }, [png()]).expect(201);
      expect(res.body).toEqual({});
      const [row] = await docRows(t, user.id);
      expect(row).toMatchObject({
        doc_type: 'Passport',
        doc_category: 'front_side',
        content_type: 'image/png',
        size: PNG.length,
        metadata: '{"country":"US"}',
      });
      expect(row.upload).toMatch(new RegExp(`^documents/${user.uid}/[0-9a-f]{32}\\.png$`));
      expect(row.identificator).toMatch(/^[0-9a-f]{32}$/);
      expect(row.doc_number_encrypted).toMatch(/^v\d+:/);
      expect(row.doc_number_encrypted).not.toContain('AB123456');
      expect(t.services.encryptor.decrypt(row.doc_number_encrypted)).toBe('AB123456');
      expect(row.doc_number_index).toBe(t.services.encryptor.blindIndex('AB123456'));
      expect(await filesUnder(path.join(dir, 'documents', user.uid))).toContain(path.basename(row.upload));
      expect(await privateLabel(t, user.id, 'document')).toMatchObject({ value: 'pending' });
      const created = events.filter(
        (e) => e.name === 'model.document.created' && (e.payload.record as Json).user.uid === user.uid,
      );
      expect(created).toHaveLength(1);
      expect(created[0]!.payload.record).toMatchObject({
        upload: row.upload,
        doc_type: 'Passport',
        doc_number: 'AB123456',
        doc_expire: '2035-01-01',
      });
    });

    it('takes several files, as repeated `upload` parts and as Barong’s `upload[]`: one row each, one identificator', async () => {
      const { user, token } = await member();
      await upload(t, token, { ...DOC, identificator: 'batch-1' }, [
        png('front.png'),
        { bytes: JPEG, filename: 'back.jpg', contentType: 'image/jpeg' },
      ]).expect(201);
      await upload(t, token, DOC, [
        { ...png(), name: 'upload[]' },
        { name: 'upload[]', bytes: PDF, filename: 'scan.pdf', contentType: 'application/pdf' },
      ]).expect(201);
      const rows = await docRows(t, user.id);
      expect(rows.map((r) => r.content_type)).toEqual(['image/png', 'image/jpeg', 'image/png', 'application/pdf']);
      expect(rows.map((r) => path.extname(r.upload))).toEqual(['.png', '.jpg', '.png', '.pdf']);
      expect(rows[0].identificator).toBe('batch-1');
      expect(rows[1].identificator).toBe('batch-1');
      expect(rows[2].identificator).toBe(rows[3].identificator);
      expect(rows[2].identificator).not.toBe('batch-1');
    });

    it('works with the session cookie and its CSRF token', async () => {
      const user = await createUser(t);
      const s = await login(t, user);
      await withSession(t, 'post', '/documents', s, { csrf: false })
        .field(DOC)
        .attach('upload', PNG, 'p.png')
        .expect(401, { errors: ['authz.missing_csrf_token'] });
      await withSession(t, 'post', '/documents', s).field(DOC).attach('upload', PNG, 'p.png').expect(201);
      const list = await withSession(t, 'get', '/documents', s).expect(200);
      expect(list.body).toHaveLength(1);
    });

    it('needs a signed-in user: 401, nothing stored', async () => {
      const before = await filesUnder(dir);
      await request(t.app)
        .post(`${RESOURCE}/documents`)
        .field(DOC)
        .attach('upload', PNG, 'p.png')
        .expect(401, { errors: ['jwt.decode_and_verify'] });
      expect(await filesUnder(dir)).toEqual(before);
    });

    it.each([
      [
        'no doc_type',
        { doc_number: 'AB1', doc_expire: '2035-01-01' },
        400,
        ['resource.document.missing_doc_type', 'resource.document.empty_doc_type'],
      ],
      ['blank doc_number', { ...DOC, doc_number: '' }, 400, ['resource.document.empty_doc_number']],
      ['a doc_type in another case', { ...DOC, doc_type: 'passport' }, 422, ['doc_type.inclusion']],
      ['an unknown doc_type', { ...DOC, doc_type: 'Library card' }, 422, ['doc_type.inclusion']],
      ['a doc_number with symbols', { ...DOC, doc_number: 'AB#123' }, 422, ['doc_number.invalid']],
      ['a doc_number over 128 characters', { ...DOC, doc_number: 'A'.repeat(129) }, 422, ['doc_number.too_long']],
      [
        'no doc_expire (required by default)',
        { doc_type: 'Passport', doc_number: 'AB1' },
        422,
        ['resource.documents.invalid_format'],
      ],
      ['a doc_expire in the past', { ...DOC, doc_expire: '2001-01-01' }, 422, ['resource.documents.already_expired']],
      [
        'a doc_expire that is no date',
        { ...DOC, doc_expire: '2035-02-30' },
        422,
        ['resource.documents.expire_not_a_date'],
      ],
      ['an unknown doc_category', { ...DOC, doc_category: 'left_side' }, 422, ['resource.documents.doc_category']],
      ['metadata that is not JSON', { ...DOC, metadata: '{oops' }, 422, ['metadata.invalid_format']],
      [
        'several model problems',
        { ...DOC, doc_type: 'X', doc_number: 'A$', metadata: '{' },
        422,
        ['doc_type.inclusion', 'doc_number.invalid', 'metadata.invalid_format'],
      ],
    ])('refuses %s: %i %j, nothing stored', async (_name, fields, status, keys) => {
      const { user, token } = await member();
      const res = await upload(t, token, fields as Record<string, string>, [png()]).expect(status);
      expect(res.body).toEqual({ errors: keys });
      expect(await docRows(t, user.id)).toHaveLength(0);
      expect(await filesUnder(path.join(dir, 'documents', user.uid))).toEqual([]);
    });

    it('refuses a request without a file: 400 resource.document.missing_upload', async () => {
      const { token } = await member();
      const res = await withToken(t, 'post', '/documents', token).field(DOC).expect(400);
      expect(res.body).toEqual({ errors: ['resource.document.missing_upload'] });
      const text = await withToken(t, 'post', '/documents', token)
        .field({ ...DOC, upload: 'passport.png' })
        .expect(422);
      expect(text.body).toEqual({ errors: ['upload.blank'] });
    });

    it.each([
      [
        'an extension off the list',
        { bytes: PNG, filename: 'passport.exe', contentType: 'image/png' },
        'upload.extension_whitelist_error',
      ],
      [
        'a declared type off the list',
        { bytes: PNG, filename: 'passport', contentType: 'text/html' },
        'upload.content_type_whitelist_error',
      ],
      [
        'text renamed to .png',
        { bytes: TEXT, filename: 'passport.png', contentType: 'image/png' },
        'upload.integrity_error',
      ],
      [
        'a PNG named .pdf',
        { bytes: PNG, filename: 'passport.pdf', contentType: 'application/pdf' },
        'upload.integrity_error',
      ],
      [
        'a PNG declared as JPEG',
        { bytes: PNG, filename: 'passport.jpg', contentType: 'image/jpeg' },
        'upload.integrity_error',
      ],
      [
        'an empty file',
        { bytes: Buffer.alloc(0), filename: 'passport.png', contentType: 'image/png' },
        'upload.min_size_error',
      ],
    ])('checks every file by extension, declared type and magic bytes: %s → 422 %s', async (_name, part, key) => {
      const { user, token } = await member();
      const res = await upload(t, token, DOC, [part]).expect(422);
      expect(res.body).toEqual({ errors: [key] });
      expect(await docRows(t, user.id)).toHaveLength(0);
    });

    it('answers 413 for a file over BARONG_UPLOAD_SIZE_MAX_RANGE megabytes', async () => {
      const { user, token } = await member();
      const big = Buffer.concat([PNG, Buffer.alloc(1024 * 1024)]);
      const res = await upload(t, token, DOC, [{ bytes: big, filename: 'big.png', contentType: 'image/png' }]).expect(
        413,
      );
      expect(res.body).toEqual({ errors: ['request.payload_too_large'] });
      expect(await docRows(t, user.id)).toHaveLength(0);
    });

    it('answers 413 for more files in one request than a user may hold', async () => {
      const { user, token } = await member();
      const res = await upload(
        t,
        token,
        DOC,
        Array.from({ length: 11 }, (_, i) => png(`${i}.png`)),
      ).expect(413);
      expect(res.body).toEqual({ errors: ['request.payload_too_large'] });
      expect(await docRows(t, user.id)).toHaveLength(0);
    });

    it('is all or nothing: a batch whose 2nd file is bad stores no file and no row', async () => {
      const { user, token } = await member();
      const before = await filesUnder(dir);
      const res = await upload(t, token, DOC, [
        png('1.png'),
        { bytes: TEXT, filename: '2.png', contentType: 'image/png' },
        png('3.png'),
      ]).expect(422);
      expect(res.body).toEqual({ errors: ['upload.integrity_error'] });
      expect(await docRows(t, user.id)).toHaveLength(0);
      expect(await filesUnder(dir)).toEqual(before);
      expect(await privateLabel(t, user.id, 'document')).toBeUndefined();
    });

    it('keeps at most BARONG_DOC_NUM_LIMIT (10) documents per user: 400 limit_will_be_reached, then limit_reached', async () => {
      const { user, token } = await member();
      await upload(
        t,
        token,
        DOC,
        Array.from({ length: 9 }, (_, i) => png(`${i}.png`)),
      ).expect(201);
      const over = await upload(t, token, DOC, [png('a.png'), png('b.png')]).expect(400);
      expect(over.body).toEqual({ errors: ['resource.documents.limit_will_be_reached'] });
      await upload(t, token, DOC, [png('c.png')]).expect(201);
      const full = await upload(t, token, DOC, [png('d.png')]).expect(400);
      expect(full.body).toEqual({ errors: ['resource.documents.limit_reached'] });
      const address = await upload(
        t,
        token,
        { country: 'US', address: 'Main St 1', city: 'X', postcode: '1' },
        [png()],
        '/addresses',
      ).expect(400);
      expect(address.body).toEqual({ errors: ['resource.documents.limit_reached'] });
      expect(await docRows(t, user.id)).toHaveLength(10);
      expect(await filesUnder(path.join(dir, 'documents', user.uid))).toHaveLength(10);
    });

    it('holds the limit under concurrent uploads', async () => {
      const { user, token } = await member();
      await upload(
        t,
        token,
        DOC,
        Array.from({ length: 8 }, (_, i) => png(`${i}.png`)),
      ).expect(201);
      const results = await Promise.all([1, 2, 3].map(() => upload(t, token, DOC, [png()])));
      expect(results.map((r) => r.status).sort()).toEqual([201, 201, 400]);
      expect(await docRows(t, user.id)).toHaveLength(10);
      expect(await filesUnder(path.join(dir, 'documents', user.uid))).toHaveLength(10);
    });
  });

  describe('GET /resource/documents', () => {
    it('lists upload link, type, masked number and expiry; the link opens the file for a while', async () => {
      const { token } = await member();
      await upload(t, token, DOC, [png()]).expect(201);
      await upload(t, token, { ...DOC, doc_type: 'Driver license', doc_number: 'DL 998877-X' }, [
        { bytes: PDF, filename: 'dl.pdf', contentType: 'application/pdf' },
      ]).expect(201);
      const before = Math.floor(Date.now() / 1000);
      const res = await withToken(t, 'get', '/documents', token).expect(200);
      const after = Math.ceil(Date.now() / 1000);
      expect(res.body).toEqual([
        {
          upload: expect.stringMatching(/^\/uploads\/documents\/.+\.png\?expires=\d+&signature=/),
          doc_type: 'Passport',
          doc_number: 'AB****56',
          doc_expire: '2035-01-01',
        },
        {
          upload: expect.stringMatching(/\.pdf\?/),
          doc_type: 'Driver license',
          doc_number: 'DL*******-X',
          doc_expire: '2035-01-01',
        },
      ]);
      const expires = Number(new URL(res.body[0].upload, 'http://x').searchParams.get('expires'));
      // BARONG_UPLOAD_AUTH_URL_EXPIRATION: 60 seconds by default.
      expect(expires).toBeGreaterThanOrEqual(before + 60);
      expect(expires).toBeLessThanOrEqual(after + 60);
      const file = await request(t.app).get(res.body[0].upload).buffer(true).parse(binary).expect(200);
      expect(file.headers['content-type']).toBe('image/png');
      expect(file.headers['x-content-type-options']).toBe('nosniff');
      expect(file.headers['cache-control']).toBe('private, no-store');
      expect(Buffer.compare(file.body, PNG)).toBe(0);
      const pdf = await request(t.app).get(res.body[1].upload).buffer(true).parse(binary).expect(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect(Buffer.compare(pdf.body, PDF)).toBe(0);
    });

    it('answers [] for a user without documents', async () => {
      const { token } = await member();
      await withToken(t, 'get', '/documents', token).expect(200, []);
    });

    it('needs a signed-in user: 401', async () => {
      await request(t.app).get(`${RESOURCE}/documents`).expect(401);
    });
  });

  describe('GET /uploads/<key> (signed links)', () => {
    it('refuses a missing, tampered, expired or foreign signature with 403 upload.invalid_signature', async () => {
      const { user, token } = await member();
      await upload(t, token, DOC, [png()]).expect(201);
      const [link] = (await withToken(t, 'get', '/documents', token).expect(200)).body.map(
        (d: { upload: string }) => d.upload,
      );
      const u = new URL(link, 'http://x');
      const refused = { errors: ['upload.invalid_signature'] };
      await request(t.app).get(u.pathname).expect(403, refused);
      await request(t.app)
        .get(`${u.pathname}?expires=${u.searchParams.get('expires')}&signature=${'A'.repeat(43)}`)
        .expect(403, refused);
      await request(t.app)
        .get(
          `${u.pathname}?expires=${Number(u.searchParams.get('expires')) + 1}&signature=${u.searchParams.get('signature')}`,
        )
        .expect(403, refused);
      const past = new LocalStorage(dir, uploadSigningKey(t.config), '/uploads', () => Date.now() - 3_600_000);
      const [row] = await docRows(t, user.id);
      await request(t.app)
        .get(await past.url(row.upload, 60))
        .expect(403, refused);
      const foreign = new LocalStorage(dir, Buffer.alloc(32, 1));
      await request(t.app)
        .get(await foreign.url(row.upload, 60))
        .expect(403, refused);
    });

    it('serves a file as a sandboxed attachment of the type its bytes show', async () => {
      const { user, token } = await member();
      await upload(t, token, DOC, [png()]).expect(201);
      const [link] = (await withToken(t, 'get', '/documents', token).expect(200)).body.map(
        (d: { upload: string }) => d.upload,
      );
      const [row] = await docRows(t, user.id);
      const file = await request(t.app).get(link).buffer(true).parse(binary).expect(200);
      expect(file.headers).toMatchObject({
        'content-type': 'image/png',
        'content-disposition': `attachment; filename="${path.basename(row.upload)}"`,
        'x-content-type-options': 'nosniff',
        'content-security-policy': 'sandbox',
        'cache-control': 'private, no-store',
      });
      expect(Buffer.compare(file.body, PNG)).toBe(0);
    });

    it('never serves HTML or SVG as a page or an image, whatever sits in storage under whatever name', async () => {
      const storage = new LocalStorage(dir, uploadSigningKey(t.config));
      await mkdir(path.join(dir, 'documents/IDPLANTED'), { recursive: true });
      for (const [name, bytes] of [
        ['page.html', HTML],
        ['logo.svg', SVG],
        ['photo.png', HTML],
        ['scan.pdf', SVG],
      ] as const) {
        const key = `documents/IDPLANTED/${name}`;
        await writeFile(path.join(dir, key), bytes);
        const res = await request(t.app)
          .get(await storage.url(key, 60))
          .buffer(true)
          .parse(binary)
          .expect(200);
        expect(res.headers, name).toMatchObject({
          'content-type': 'application/octet-stream',
          'content-disposition': `attachment; filename="${name}"`,
          'x-content-type-options': 'nosniff',
          'content-security-policy': 'sandbox',
        });
      }
    });

    it('refuses path traversal', async () => {
      const storage = new LocalStorage(dir, uploadSigningKey(t.config));
      const link = new URL(await storage.url('documents/x.png', 60), 'http://x');
      for (const p of [
        '/uploads/..%2F..%2Fetc%2Fpasswd',
        '/uploads/documents/%2E%2E/%2E%2E/secret',
        '/uploads/a/..%5C..%5Cb',
      ]) {
        await request(t.app)
          .get(`${p}${link.search}`)
          .expect(403, { errors: ['upload.invalid_signature'] });
      }
    });
  });

  describe('POST /resource/addresses', () => {
    const ADDRESS = { country: 'US', address: '1600 Pennsylvania Avenue NW', city: 'Washington', postcode: '20500' };

    it('refuses a new upload once the step is verified, instead of resetting it to pending (barong#397, security case 25)', async () => {
      const { user, token } = await member();
      await t.services.uow.run(async (w) => {
        const owner = (await w.repos.users.findById(user.id))!;
        const withDocument = await t.services.privateLabels.set(w, owner, 'document', 'verified', { by: 'admin' });
        await t.services.privateLabels.set(w, withDocument, 'address', 'verified', { by: 'admin' });
      });
      const doc = await upload(t, token, DOC, [png()]).expect(422);
      expect(doc.body).toEqual({ errors: ['resource.document.already_verified'] });
      // An identity document sent as doc_type Address touches the address step.
      const asAddress = await upload(t, token, { ...DOC, doc_type: 'Address' }, [png()]).expect(422);
      expect(asAddress.body).toEqual({ errors: ['resource.address.already_verified'] });
      const address = await upload(t, token, ADDRESS, [png()], '/addresses').expect(422);
      expect(address.body).toEqual({ errors: ['resource.address.already_verified'] });
      expect(await docRows(t, user.id)).toHaveLength(0);
      expect(await filesUnder(path.join(dir, 'documents', user.uid))).toEqual([]);
      const labels = await t.db.knex('labels').where({ user_id: user.id, scope: 'private' }).pluck('value');
      expect(labels).toEqual(['verified', 'verified']);
    });

    it('stores one Address document per file (no number, no expiry needed), shared identificator, address: pending', async () => {
      const { user, token } = await member();
      const res = await upload(
        t,
        token,
        ADDRESS,
        [{ bytes: PDF, filename: 'bill.pdf', contentType: 'application/pdf' }, png('bill-2.png')],
        '/addresses',
      ).expect(201);
      expect(res.body).toEqual({});
      const rows = await docRows(t, user.id);
      expect(rows).toHaveLength(2);
      expect(rows[0]).toMatchObject({
        doc_type: 'Address',
        doc_number_encrypted: null,
        doc_number_index: null,
        doc_expire: null,
      });
      expect(rows[0].identificator).toBe(rows[1].identificator);
      expect(await privateLabel(t, user.id, 'address')).toMatchObject({ value: 'pending' });
      expect(await privateLabel(t, user.id, 'document')).toBeUndefined();
      const list = await withToken(t, 'get', '/documents', token).expect(200);
      expect(list.body[0]).toMatchObject({ doc_type: 'Address', doc_number: null, doc_expire: null });
    });

    it('takes a blank city; country as alpha-2 or alpha-3', async () => {
      const { token } = await member();
      await upload(t, token, { ...ADDRESS, city: '', country: 'deu' }, [png()], '/addresses').expect(201);
    });

    it.each([
      [
        'no country',
        { address: 'x', city: 'y', postcode: '1' },
        400,
        ['resource.address.missing_country', 'resource.address.empty_country'],
      ],
      ['no postcode', { country: 'US', address: 'x', city: 'y' }, 400, ['resource.address.missing_postcode']],
      ['an unknown country', { ...ADDRESS, country: 'Atlantis' }, 422, ['country.invalid']],
    ])('refuses %s: %i %j', async (_name, fields, status, keys) => {
      const { user, token } = await member();
      const res = await upload(t, token, fields as Record<string, string>, [png()], '/addresses').expect(status);
      expect(res.body).toEqual({ errors: keys });
      expect(await docRows(t, user.id)).toHaveLength(0);
    });

    it('checks the files like documents, all or nothing', async () => {
      const { user, token } = await member();
      const res = await upload(
        t,
        token,
        ADDRESS,
        [png(), { bytes: TEXT, filename: 'bill.pdf', contentType: 'application/pdf' }],
        '/addresses',
      ).expect(422);
      expect(res.body).toEqual({ errors: ['upload.integrity_error'] });
      expect(await docRows(t, user.id)).toHaveLength(0);
      expect(await filesUnder(path.join(dir, 'documents', user.uid))).toEqual([]);
    });

    it('needs a signed-in user: 401', async () => {
      await request(t.app).post(`${RESOURCE}/addresses`).field(ADDRESS).attach('upload', PNG, 'p.png').expect(401);
    });
  });

  describe('ownership', () => {
    it("one user never sees another user's documents, and a link for one file opens no other", async () => {
      const alice = await member();
      const bob = await member();
      await upload(t, alice.token, DOC, [png()]).expect(201);
      await upload(t, bob.token, { ...DOC, doc_number: 'ZZ999999' }, [
        { bytes: JPEG, filename: 'b.jpg', contentType: 'image/jpeg' },
      ]).expect(201);
      const mine = (await withToken(t, 'get', '/documents', alice.token).expect(200)).body;
      const theirs = (await withToken(t, 'get', '/documents', bob.token).expect(200)).body;
      expect(mine).toEqual([expect.objectContaining({ doc_number: 'AB****56' })]);
      expect(theirs).toEqual([expect.objectContaining({ doc_number: 'ZZ****99' })]);
      const aliceLink = new URL(mine[0].upload, 'http://x');
      const bobLink = new URL(theirs[0].upload, 'http://x');
      // Alice's signature on Bob's key (and the reverse) opens nothing.
      await request(t.app)
        .get(`${bobLink.pathname}${aliceLink.search}`)
        .expect(403, { errors: ['upload.invalid_signature'] });
      await request(t.app)
        .get(`${aliceLink.pathname}${bobLink.search}`)
        .expect(403, { errors: ['upload.invalid_signature'] });
      // Bob's uploads never touch Alice's count or labels.
      expect(await docRows(t, alice.user.id)).toHaveLength(1);
      await upload(
        t,
        bob.token,
        DOC,
        Array.from({ length: 9 }, () => png()),
      ).expect(201);
      await upload(t, alice.token, DOC, [png()]).expect(201);
    });
  });
});

describe('documents without required expiry', () => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'barong-docs-'));
    t = await startTestApp({
      BARONG_STORAGE_LOCAL_PATH: dir,
      BARONG_REQUIRED_DOCS_EXPIRE: 'false',
      BARONG_DOCUMENT_TYPES: 'Passport,Residence permit',
      BARONG_UPLOAD_EXTENSION_WHITELIST: 'png',
    });
  });
  afterAll(async () => {
    await t?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts no or past expiry, configured types, only the configured extensions', async () => {
    const user = await createUser(t);
    const token = await bearer(t, user);
    await upload(t, token, { doc_type: 'Residence permit', doc_number: 'R1' }, [png()]).expect(201);
    await upload(t, token, { doc_type: 'Passport', doc_number: 'P1', doc_expire: '2001-01-01' }, [png()]).expect(201);
    const bad = await upload(t, token, { doc_type: 'Driver license', doc_number: 'D1' }, [png()]).expect(422);
    expect(bad.body).toEqual({ errors: ['doc_type.inclusion'] });
    const pdf = await upload(t, token, { doc_type: 'Passport', doc_number: 'P2' }, [
      { bytes: PDF, filename: 'p.pdf', contentType: 'application/pdf' },
    ]).expect(422);
    expect(pdf.body).toEqual({ errors: ['upload.extension_whitelist_error'] });
    const list = await withToken(t, 'get', '/documents', token).expect(200);
    expect(list.body.map((d: { doc_expire: string | null }) => d.doc_expire)).toEqual([null, '2001-01-01']);
  });
});

describe('S3-compatible storage', () => {
  let t: TestApp;
  let s3: S3StandIn;
  beforeAll(async () => {
    s3 = await startS3StandIn();
    t = await startTestApp({
      BARONG_STORAGE_PROVIDER: 's3',
      BARONG_STORAGE_BUCKET_NAME: 'kyc',
      BARONG_STORAGE_ENDPOINT: s3.url,
      BARONG_STORAGE_REGION: 'eu-central-1',
      BARONG_STORAGE_ACCESS_KEY: 'AKIDSTANDIN',
      BARONG_STORAGE_SECRET_KEY: 'stand-in-secret',
      BARONG_STORAGE_PATHSTYLE: 'true',
      BARONG_UPLOAD_AUTH_URL_EXPIRATION: '120',
    });
  });
  afterAll(async () => {
    await t?.close();
    await s3?.close();
  });

  it('puts each file in the bucket and lists presigned links', async () => {
    const user = await createUser(t);
    const token = await bearer(t, user);
    await upload(t, token, DOC, [png(), { bytes: PDF, filename: 'p.pdf', contentType: 'application/pdf' }]).expect(201);
    const rows = await docRows(t, user.id);
    const puts = s3.requests.filter((r) => r.method === 'PUT');
    expect(puts.map((p) => p.path)).toEqual(rows.map((r) => `/kyc/${r.upload}`));
    expect(puts[0]!.body.equals(PNG)).toBe(true);
    expect(puts[1]!.headers['content-type']).toBe('application/pdf');
    expect(puts[0]!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDSTANDIN\//);
    const list = await withToken(t, 'get', '/documents', token).expect(200);
    const link = new URL(list.body[0].upload);
    expect(`${link.protocol}//${link.host}${link.pathname}`).toBe(`${s3.url}/kyc/${rows[0].upload}`);
    expect(link.searchParams.get('X-Amz-Expires')).toBe('120');
    // No local file route with S3.
    await request(t.app).get('/uploads/documents/x.png?expires=1&signature=x').expect(404);
  });

  it('stores each object with the type its bytes show; its link makes S3 answer with an attachment of that type', async () => {
    const user = await createUser(t);
    const token = await bearer(t, user);
    await upload(t, token, DOC, [{ bytes: PDF, filename: 'scan.pdf', contentType: 'application/pdf' }]).expect(201);
    const [row] = await docRows(t, user.id);
    const name = path.basename(row.upload);
    expect(s3.objectHeaders.get(`/kyc/${row.upload}`)).toMatchObject({ 'content-type': 'application/pdf' });
    const [link] = (await withToken(t, 'get', '/documents', token).expect(200)).body.map(
      (d: { upload: string }) => d.upload,
    );
    const url = new URL(link);
    expect(url.searchParams.get('response-content-disposition')).toBe(`attachment; filename="${name}"`);
    expect(url.searchParams.get('response-content-type')).toBe('application/pdf');
    const file = await fetch(link);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect(file.headers.get('content-disposition')).toBe(`attachment; filename="${name}"`);
    expect(Buffer.from(await file.arrayBuffer()).equals(PDF)).toBe(true);
  });

  it('deletes the files it stored when a later one fails: no orphan object, no row', async () => {
    const user = await createUser(t);
    const token = await bearer(t, user);
    const before = s3.requests.length;
    s3.failPut(2);
    const res = await upload(t, token, DOC, [png('1.png'), png('2.png'), png('3.png')]).expect(500);
    expect(res.body).toEqual({ errors: ['server.internal_error'] });
    const calls = s3.requests.slice(before);
    const puts = calls.filter((r) => r.method === 'PUT');
    const deletes = calls.filter((r) => r.method === 'DELETE');
    expect(puts).toHaveLength(2);
    expect(deletes.map((d) => d.path).sort()).toEqual(puts.map((p) => p.path).sort());
    expect([...s3.objects.keys()].filter((k) => k.includes(user.uid))).toEqual([]);
    expect(await docRows(t, user.id)).toHaveLength(0);
    expect(await privateLabel(t, user.id, 'document')).toBeUndefined();
    s3.failPut(0);
  });
});
