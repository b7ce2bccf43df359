/**
 * Issue 8, item 3: a body that cannot be read is the client's fault, never a 500. Broken multipart (no body, no
 * closing boundary, another boundary than the header's, no boundary at all, a malformed part header) answers 400
 * `<scope>.invalid_body` and stores nothing; the JSON and form readers fail the same way; sizes answer 413 and
 * encodings or charsets the server does not read 415.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';
import { createUser } from '../support/factories.js';
import { bearer, RESOURCE } from '../support/account-client.js';
import { listen, rawRequest, type Listening, type RawResponse } from '../support/raw-http.js';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

let t: TestApp;
let server: Listening;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'barong-bodies-'));
  t = await startTestApp({ BARONG_STORAGE_LOCAL_PATH: dir });
  server = await listen(t.app);
});
afterAll(async () => {
  await server?.close();
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

const answer = (r: RawResponse) => ({ status: r.status, body: r.json });
const send = (method: string, p: string, headers: Record<string, string>, body?: Buffer | string) =>
  rawRequest(server.port, {
    method,
    path: p,
    headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body ?? '')) },
    body,
  });

function part(
  boundary: string,
  name: string,
  value: string | Buffer,
  file?: { filename: string; type: string },
): Buffer {
  const disposition = file ? `form-data; name="${name}"; filename="${file.filename}"` : `form-data; name="${name}"`;
  const head = `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${file ? `Content-Type: ${file.type}\r\n` : ''}\r\n`;
  return Buffer.concat([Buffer.from(head), Buffer.from(value), Buffer.from('\r\n')]);
}

const FIELDS = { doc_type: 'Passport', doc_number: 'AB123456', doc_expire: '2035-01-01' };
/** A well-formed document upload, in parts, so each case can break one thing. */
function documentParts(boundary: string): Buffer {
  return Buffer.concat([
    ...Object.entries(FIELDS).map(([k, v]) => part(boundary, k, v)),
    part(boundary, 'upload', PNG, { filename: 'passport.png', type: 'image/png' }),
  ]);
}

describe('broken multipart bodies on POST /resource/documents and /resource/addresses', () => {
  const B = 'XyZzY-boundary';
  const cases: [string, string, Buffer][] = [
    ['an empty body', `multipart/form-data; boundary=${B}`, Buffer.alloc(0)],
    ['no closing boundary', `multipart/form-data; boundary=${B}`, documentParts(B)],
    ['a body cut inside a file', `multipart/form-data; boundary=${B}`, documentParts(B).subarray(0, -40)],
    [
      'another boundary in the body than in the header',
      `multipart/form-data; boundary=${B}`,
      Buffer.concat([documentParts('other'), Buffer.from('--other--\r\n')]),
    ],
    [
      'no boundary in the header',
      'multipart/form-data',
      Buffer.concat([documentParts(B), Buffer.from(`--${B}--\r\n`)]),
    ],
    [
      'an empty boundary in the header',
      'multipart/form-data; boundary=',
      Buffer.concat([documentParts(B), Buffer.from(`--${B}--\r\n`)]),
    ],
    [
      'a malformed part header',
      `multipart/form-data; boundary=${B}`,
      Buffer.from(`--${B}\r\nContent-Disposition form-data name\r\n\r\nx\r\n--${B}--\r\n`),
    ],
    [
      'a part without a name',
      `multipart/form-data; boundary=${B}`,
      Buffer.from(
        `--${B}\r\nContent-Disposition: form-data; filename="a.png"\r\nContent-Type: image/png\r\n\r\nx\r\n--${B}--\r\n`,
      ),
    ],
    ['garbage', `multipart/form-data; boundary=${B}`, Buffer.from('\x00\xff garbage \r\n\r\n--')],
  ];

  for (const [operation, scope] of [
    ['documents', 'resource.document'],
    ['addresses', 'resource.address'],
  ] as const) {
    it.each(cases)(`${operation}: %s → 400 ${scope}.invalid_body, nothing stored`, async (_name, contentType, body) => {
      const user = await createUser(t);
      const token = await bearer(t, user);
      const r = await send(
        'POST',
        `${RESOURCE}/${operation}`,
        { Authorization: `Bearer ${token}`, 'Content-Type': contentType },
        body,
      );
      expect(answer(r)).toEqual({ status: 400, body: { errors: [`${scope}.invalid_body`] } });
      expect(await t.db.knex('documents').where({ user_id: user.id })).toEqual([]);
      expect(await readdir(dir, { recursive: true })).toEqual([]);
    });
  }

  it('a compressed multipart body is not read: 415 request.unsupported_encoding', async () => {
    const token = await bearer(t, await createUser(t));
    const body = gzipSync(Buffer.concat([documentParts(B), Buffer.from(`--${B}--\r\n`)]));
    const r = await send(
      'POST',
      `${RESOURCE}/documents`,
      {
        Authorization: `Bearer ${token}`,
        'Content-Type': `multipart/form-data; boundary=${B}`,
        'Content-Encoding': 'gzip',
      },
      body,
    );
    expect(answer(r)).toEqual({ status: 415, body: { errors: ['request.unsupported_encoding'] } });
  });

  it('too many fields or parts: 413 request.payload_too_large', async () => {
    const token = await bearer(t, await createUser(t));
    const many = Buffer.concat([
      ...Array.from({ length: 200 }, (_, i) => part(B, `f${i}`, 'x')),
      Buffer.from(`--${B}--\r\n`),
    ]);
    const r = await send(
      'POST',
      `${RESOURCE}/documents`,
      { Authorization: `Bearer ${token}`, 'Content-Type': `multipart/form-data; boundary=${B}` },
      many,
    );
    expect(answer(r)).toEqual({ status: 413, body: { errors: ['request.payload_too_large'] } });
  });

  it('a well-formed body with the closing boundary still uploads (the cases above break one thing each)', async () => {
    const user = await createUser(t);
    const token = await bearer(t, user);
    const body = Buffer.concat([documentParts(B), Buffer.from(`--${B}--\r\n`)]);
    const r = await send(
      'POST',
      `${RESOURCE}/documents`,
      { Authorization: `Bearer ${token}`, 'Content-Type': `multipart/form-data; boundary=${B}` },
      body,
    );
    expect(answer(r)).toEqual({ status: 201, body: {} });
    expect(await t.db.knex('documents').where({ user_id: user.id })).toHaveLength(1);
    await rm(path.join(dir, 'documents'), { recursive: true, force: true });
  });

  it('who is calling is decided before the body is read: a broken body without credentials is 401', async () => {
    const r = await send(
      'POST',
      `${RESOURCE}/documents`,
      { 'Content-Type': `multipart/form-data; boundary=${B}` },
      documentParts(B),
    );
    expect(answer(r)).toEqual({ status: 401, body: { errors: ['jwt.decode_and_verify'] } });
  });
});

describe('JSON and form bodies', () => {
  const SIGNUP = '/api/v2/barong/identity/users';
  const VALIDATE = '/api/v2/barong/public/password/validate';

  it.each([
    ['malformed JSON', SIGNUP, { 'Content-Type': 'application/json' }, '{"email": ', 'identity.user'],
    ['JSON that is a bare string', SIGNUP, { 'Content-Type': 'application/json' }, '"x"', 'identity.user'],
    ['JSON with a BOM and garbage', VALIDATE, { 'Content-Type': 'application/json' }, '\ufeff{oops}', 'public.general'],
    [
      'a gzip body that is not gzip',
      SIGNUP,
      { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      'not gzip at all',
      'identity.user',
    ],
    [
      'a deflate body that is not deflate',
      VALIDATE,
      { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Encoding': 'deflate' },
      'password=x',
      'public.general',
    ],
    [
      'a form nested deeper than allowed',
      SIGNUP,
      { 'Content-Type': 'application/x-www-form-urlencoded' },
      `email${'[a]'.repeat(40)}=x`,
      'identity.user',
    ],
  ])('%s → 400 <scope>.invalid_body', async (_name, p, headers, body, scope) => {
    expect(answer(await send('POST', p, headers, body))).toEqual({
      status: 400,
      body: { errors: [`${scope}.invalid_body`] },
    });
  });

  it('a body shorter than its Content-Length is cut off: 400, not a hang or a 500', async () => {
    const r = await rawRequest(server.port, {
      method: 'POST',
      path: VALIDATE,
      headers: { 'Content-Type': 'application/json', 'Content-Length': '5' },
      body: '{"password":"x"}',
    });
    expect(r.status).toBe(400);
  });

  it('a JSON body on a protected operation is read only after the caller is known: 401 before 400', async () => {
    const r = await send('PUT', `${RESOURCE}/users/me`, { 'Content-Type': 'application/json' }, '{"data": ');
    expect(answer(r)).toEqual({ status: 401, body: { errors: ['jwt.decode_and_verify'] } });
  });

  it.each([
    [
      'an unknown Content-Encoding',
      415,
      'request.unsupported_encoding',
      { 'Content-Type': 'application/json', 'Content-Encoding': 'x-compress-9' },
      '{}',
    ],
    [
      'a charset JSON is never in',
      415,
      'request.unsupported_charset',
      { 'Content-Type': 'application/json; charset=latin1' },
      '{}',
    ],
    [
      'a charset the form reader does not know',
      415,
      'request.unsupported_charset',
      { 'Content-Type': 'application/x-www-form-urlencoded; charset=klingon' },
      'a=b',
    ],
    [
      'multipart on a JSON operation',
      415,
      'request.unsupported_media_type',
      { 'Content-Type': 'multipart/form-data; boundary=x' },
      '--x--\r\n',
    ],
    ['text/plain', 415, 'request.unsupported_media_type', { 'Content-Type': 'text/plain' }, 'password=x'],
    [
      'a body over the limit',
      413,
      'request.payload_too_large',
      { 'Content-Type': 'application/json' },
      `{"password":"${'x'.repeat(1_100_000)}"}`,
    ],
    [
      'a gzip bomb',
      413,
      'request.payload_too_large',
      { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      gzipSync(`{"password":"${'x'.repeat(3_000_000)}"}`),
    ],
    [
      'more form fields than allowed',
      413,
      'request.payload_too_large',
      { 'Content-Type': 'application/x-www-form-urlencoded' },
      Array.from({ length: 1500 }, (_, i) => `f${i}=x`).join('&'),
    ],
  ])('%s → %i %s', async (_name, status, key, headers, body) => {
    expect(answer(await send('POST', VALIDATE, headers as Record<string, string>, body as string))).toEqual({
      status,
      body: { errors: [key] },
    });
  });

  it('a well-formed gzip JSON body is read', async () => {
    const r = await send(
      'POST',
      VALIDATE,
      { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      gzipSync('{"password":"Tecohvi0-Zah!Sh8ei"}'),
    );
    expect(r.status).toBe(201);
  });
});
