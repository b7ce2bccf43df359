/**
 * Request bodies as bytes: JSON, urlencoded forms and multipart, well formed or broken in one named way each
 * (truncated, bad UTF-8, no closing boundary, another boundary, compressed noise …).
 */
import { gzipSync } from 'node:zlib';
import { stringify } from 'node:querystring';
import type { Rng } from './rng.js';
import { asText } from './values.js';
import { PNG } from '../support/sample-files.js';

export type BodyKind = 'json' | 'form' | 'multipart';

export interface RenderedBody {
  contentType?: string;
  contentEncoding?: string;
  bytes: Buffer;
}

const BAD_UTF8 = Buffer.from([0xc0, 0xaf, 0xff, 0xfe, 0xed, 0xa0, 0x80]);

export interface FilePart {
  field: string;
  filename: string;
  type: string;
  bytes: Buffer;
}

export function someFiles(rng: Rng): FilePart[] {
  const count = rng.pick([1, 1, 1, 2, 11]);
  return Array.from({ length: count }, (_, i) => ({
    field: rng.pick(['upload', 'upload', 'upload[]', `upload[${i}]`, 'other']),
    filename: rng.pick(['p.png', 'p.pdf', '../../p.png', 'p', 'p.png\u0000.exe', 'x'.repeat(300) + '.png']),
    type: rng.pick(['image/png', 'application/pdf', 'text/html', '']),
    bytes: rng.pick([PNG, Buffer.alloc(0), BAD_UTF8, Buffer.alloc(2048, 0x41)]),
  }));
}

function jsonBytes(fields: Record<string, unknown>, rng: Rng): Buffer {
  const text = JSON.stringify(fields);
  switch (rng.int(12)) {
    case 0:
      return Buffer.from(text.slice(0, Math.max(1, text.length - 3))); // truncated
    case 1:
      return Buffer.concat([Buffer.from(text.slice(0, -1)), BAD_UTF8, Buffer.from('}')]);
    case 2:
      return Buffer.from('['.repeat(5000) + ']'.repeat(5000)); // deep nesting
    case 3:
      return Buffer.from(`\ufeff${text}`);
    case 4:
      return Buffer.from(`${text} trailing`);
    case 5:
      return Buffer.from(JSON.stringify(rng.pick(['x', 1, null, [fields], true])));
    case 6:
      return Buffer.from(text.replace(/^\{/, '{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},'));
    default:
      return Buffer.from(text);
  }
}

function formBytes(fields: Record<string, unknown>, rng: Rng): Buffer {
  const flat = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, asText(v)]));
  const text = stringify(flat);
  switch (rng.int(10)) {
    case 0:
      return Buffer.from(`${text}&${Object.keys(flat)[0] ?? 'a'}[x][y][z]=1`); // a scalar sent as an object
    case 1:
      return Buffer.from(`${text}&${Object.keys(flat)[0] ?? 'a'}[]=1&${Object.keys(flat)[0] ?? 'a'}[]=2`);
    case 2:
      return Buffer.from(`${text}&__proto__[polluted]=1&constructor[prototype][x]=1`);
    case 3:
      return Buffer.from(`${text}&bad=%ZZ%E0%A4%A`);
    case 4:
      return Buffer.concat([Buffer.from(`${text}&raw=`), BAD_UTF8]);
    case 5:
      return Buffer.from(`a${'[a]'.repeat(30)}=1&${text}`);
    default:
      return Buffer.from(text);
  }
}

function multipartBytes(fields: Record<string, unknown>, files: FilePart[], boundary: string): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${typeof v === 'string' ? v : JSON.stringify(v)}\r\n`,
      ),
    );
  }
  for (const f of files) {
    const type = f.type ? `Content-Type: ${f.type}\r\n` : '';
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${f.field}"; filename="${f.filename}"\r\n${type}\r\n`,
      ),
      f.bytes,
      Buffer.from('\r\n'),
    );
  }
  return Buffer.concat(parts);
}

/** The multipart ways to break a body, each alone. */
export const MULTIPART_BREAKS = [
  'none',
  'no-closing',
  'other-boundary',
  'no-boundary-param',
  'empty',
  'truncated',
  'bad-part-header',
  'lf-only',
  'gzip',
] as const;

function multipart(fields: Record<string, unknown>, files: FilePart[], rng: Rng): RenderedBody & { broken: string } {
  const boundary = `fuzz${rng.int(1e9)}`;
  const broken = rng.chance(0.5) ? 'none' : rng.pick(MULTIPART_BREAKS);
  const body = multipartBytes(fields, files, boundary);
  const closed = Buffer.concat([body, Buffer.from(`--${boundary}--\r\n`)]);
  const contentType = `multipart/form-data; boundary=${boundary}`;
  switch (broken) {
    case 'no-closing':
      return { broken, contentType, bytes: body };
    case 'other-boundary':
      return { broken, contentType: 'multipart/form-data; boundary=elsewhere', bytes: closed };
    case 'no-boundary-param':
      return { broken, contentType: 'multipart/form-data', bytes: closed };
    case 'empty':
      return { broken, contentType, bytes: Buffer.alloc(0) };
    case 'truncated':
      return { broken, contentType, bytes: closed.subarray(0, rng.int(closed.length)) };
    case 'bad-part-header':
      return {
        broken,
        contentType,
        bytes: Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition form-data\r\n\r\nx\r\n`), closed]),
      };
    case 'lf-only':
      return { broken, contentType, bytes: Buffer.from(closed.toString('latin1').replace(/\r\n/g, '\n'), 'latin1') };
    case 'gzip':
      return { broken, contentType, contentEncoding: 'gzip', bytes: gzipSync(closed) };
    default:
      return { broken, contentType, bytes: closed };
  }
}

export function renderBody(
  kind: BodyKind,
  fields: Record<string, unknown>,
  files: FilePart[],
  rng: Rng,
): RenderedBody & { broken?: string } {
  if (kind === 'multipart') return multipart(fields, files, rng);
  if (kind === 'json') return { contentType: 'application/json', bytes: jsonBytes(fields, rng) };
  return { contentType: 'application/x-www-form-urlencoded', bytes: formBytes(fields, rng) };
}
