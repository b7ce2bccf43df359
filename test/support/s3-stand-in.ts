/**
 * A local stand-in for the part of S3 this server uses: PutObject, DeleteObject and GetObject (path-style
 * `/<bucket>/<key>`), recording every request with its raw body and headers. GetObject answers with the
 * Content-Type and Content-Disposition stored at PutObject, or with the `response-content-type` /
 * `response-content-disposition` overrides of the query, as S3 does for a presigned link (the stand-in does not
 * check signatures). `failPut(n)` makes the n-th PutObject after the call answer 403 AccessDenied, as a real
 * bucket does on a policy error.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface S3Request {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface S3StandIn {
  url: string;
  requests: S3Request[];
  /** Objects currently stored, by `/<bucket>/<key>`. */
  objects: Map<string, Buffer>;
  /** The headers each stored object was put with, by `/<bucket>/<key>`. */
  objectHeaders: Map<string, IncomingHttpHeaders>;
  failPut(n: number): void;
  close(): Promise<void>;
}

const ACCESS_DENIED = `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>stand-in</RequestId></Error>`;

export async function startS3StandIn(): Promise<S3StandIn> {
  const requests: S3Request[] = [];
  const objects = new Map<string, Buffer>();
  const objectHeaders = new Map<string, IncomingHttpHeaders>();
  let failingPut = 0;
  let puts = 0;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://s3');
    const record = {
      method: req.method ?? 'GET',
      path: decodeURIComponent(url.pathname),
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks),
    };
    requests.push(record);
    if (record.method === 'PUT') {
      puts += 1;
      if (puts === failingPut) {
        res.writeHead(403, { 'Content-Type': 'application/xml' }).end(ACCESS_DENIED);
        return;
      }
      objects.set(record.path, record.body);
      objectHeaders.set(record.path, record.headers);
      res.writeHead(200, { ETag: '"stand-in"' }).end();
    } else if (record.method === 'DELETE') {
      objects.delete(record.path);
      objectHeaders.delete(record.path);
      res.writeHead(204).end();
    } else if (record.method === 'GET') {
      const body = objects.get(record.path);
      if (!body) {
        res.writeHead(404, { 'Content-Type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>');
        return;
      }
      const stored = objectHeaders.get(record.path) ?? {};
      const header = (name: string) => record.query.get(`response-${name}`) ?? (stored[name] as string | undefined);
      const headers: Record<string, string> = { 'Content-Length': String(body.length) };
      for (const name of ['content-type', 'content-disposition']) {
        const value = header(name);
        if (value) headers[name] = value;
      }
      res.writeHead(200, headers).end(body);
    } else {
      res.writeHead(405).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    objects,
    objectHeaders,
    failPut(n) {
      failingPut = n;
      puts = 0;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
