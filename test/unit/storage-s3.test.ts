import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Storage } from '../../src/lib/storage/s3-storage.js';
import { startS3StandIn, type S3StandIn } from '../support/s3-stand-in.js';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const HTML = Buffer.from('<!doctype html><html><script>alert(1)</script></html>');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');

let s3: S3StandIn;
let storage: S3Storage;

beforeAll(async () => {
  s3 = await startS3StandIn();
  storage = new S3Storage({
    bucket: 'kyc-bucket',
    region: 'eu-west-1',
    endpoint: s3.url,
    accessKey: 'AKIDSTANDIN',
    secretKey: 'stand-in-secret',
    pathStyle: true,
  });
});
afterAll(async () => {
  storage?.close();
  await s3?.close();
});

describe('S3Storage', () => {
  it('puts an object: PUT /<bucket>/<key> with the bytes, content type and a SigV4 Authorization', async () => {
    const bytes = PNG;
    await storage.put('documents/ID1/a.png', bytes);
    const put = s3.requests.at(-1)!;
    expect(put.method).toBe('PUT');
    expect(put.path).toBe('/kyc-bucket/documents/ID1/a.png');
    expect(put.body.equals(bytes)).toBe(true);
    expect(put.headers['content-type']).toBe('image/png');
    expect(put.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDSTANDIN\/\d{8}\/eu-west-1\/s3\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/,
    );
    expect(put.headers['x-amz-content-sha256']).toBeDefined();
    expect(s3.objects.get('/kyc-bucket/documents/ID1/a.png')?.equals(bytes)).toBe(true);
  });

  it('deletes an object: DELETE /<bucket>/<key>, signed', async () => {
    await storage.delete('documents/ID1/a.png');
    const del = s3.requests.at(-1)!;
    expect(del.method).toBe('DELETE');
    expect(del.path).toBe('/kyc-bucket/documents/ID1/a.png');
    expect(del.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 /);
    expect(s3.objects.has('/kyc-bucket/documents/ID1/a.png')).toBe(false);
  });

  it('presigns a GET link on the endpoint with the requested lifetime, without calling S3', async () => {
    const calls = s3.requests.length;
    const url = new URL(await storage.url('documents/ID1/a.png', 60));
    expect(`${url.protocol}//${url.host}`).toBe(s3.url);
    expect(url.pathname).toBe('/kyc-bucket/documents/ID1/a.png');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('60');
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^AKIDSTANDIN\/\d{8}\/eu-west-1\/s3\/aws4_request$/);
    expect(url.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
    expect(s3.requests.length).toBe(calls);
  });

  it('stores an object with the type its bytes show, whatever its name, and as an attachment', async () => {
    const cases = [
      ['documents/ID1/p.pdf', PNG, 'image/png'],
      ['documents/ID1/h.png', HTML, 'application/octet-stream'],
      ['documents/ID1/s.svg', SVG, 'application/octet-stream'],
    ] as const;
    for (const [key, bytes, served] of cases) {
      await storage.put(key, bytes);
      const put = s3.requests.at(-1)!;
      expect(put.headers['content-type'], key).toBe(served);
      expect(put.headers['content-disposition'], key).toBe(`attachment; filename="${key.split('/').pop()}"`);
    }
  });

  it('presigns links that make S3 answer with an attachment and a safe type (response-content-* overrides)', async () => {
    for (const [key, type] of [
      ['documents/ID1/a.png', 'image/png'],
      ['documents/ID1/b.JPG', 'image/jpeg'],
      ['documents/ID1/c.pdf', 'application/pdf'],
      ['documents/ID1/d.svg', 'application/octet-stream'],
      ['documents/ID1/e.html', 'application/octet-stream'],
      ['documents/ID1/noextension', 'application/octet-stream'],
    ]) {
      const url = new URL(await storage.url(key!, 60));
      expect(url.searchParams.get('response-content-type'), key).toBe(type);
      expect(url.searchParams.get('response-content-disposition'), key).toBe(
        `attachment; filename="${key!.split('/').pop()}"`,
      );
    }
    await storage.put('documents/ID1/g.png', PNG);
    const res = await fetch(await storage.url('documents/ID1/g.png', 60));
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="g.png"');
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
  });

  it('uses virtual-hosted addressing when path style is off', async () => {
    const hosted = new S3Storage({
      bucket: 'kyc-bucket',
      region: 'eu-west-1',
      endpoint: 'https://s3.example.test',
      accessKey: 'A',
      secretKey: 'B',
      pathStyle: false,
    });
    const url = new URL(await hosted.url('documents/x.pdf', 30));
    expect(url.host).toBe('kyc-bucket.s3.example.test');
    expect(url.pathname).toBe('/documents/x.pdf');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('30');
    hosted.close();
  });

  it('surfaces an S3 error', async () => {
    s3.failPut(1);
    await expect(storage.put('documents/ID1/b.png', Buffer.from('x'))).rejects.toThrow(/Access Denied/);
  });

  it('refuses unsafe keys before any request', async () => {
    const calls = s3.requests.length;
    await expect(storage.put('../escape', Buffer.from('x'))).rejects.toThrow(/unsafe storage key/);
    expect(s3.requests.length).toBe(calls);
  });
});
