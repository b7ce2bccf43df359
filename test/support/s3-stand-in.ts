/**
 * A local stand-in for the part of S3 this server uses: PutObject and DeleteObject (path-style
 * `/<bucket>/<key>`), recording every request with its raw body and headers. `failPut(n)` makes the n-th
 * PutObject after the call answer 403 AccessDenied, as a real bucket does on a policy error.
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
  failPut(n: number): void;
  close(): Promise<void>;
}

const ACCESS_DENIED = `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>stand-in</RequestId></Error>`;

export async function startS3StandIn(): Promise<S3StandIn> {
  const requests: S3Request[] = [];
  const objects = new Map<string, Buffer>();
  let failingPut = 0;
  let puts = 0;
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://s3');
    const record = { method: req.method ?? 'GET', path: decodeURIComponent(url.pathname), query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks) };
    requests.push(record);
    if (record.method === 'PUT') {
      puts += 1;
      if (puts === failingPut) {
        res.writeHead(403, { 'Content-Type': 'application/xml' }).end(ACCESS_DENIED);
        return;
      }
      objects.set(record.path, record.body);
      res.writeHead(200, { ETag: '"stand-in"' }).end();
    } else if (record.method === 'DELETE') {
      objects.delete(record.path);
      res.writeHead(204).end();
    } else {
      res.writeHead(405).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    objects,
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
