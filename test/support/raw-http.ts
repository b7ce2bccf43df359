/**
 * Requests whose target is sent byte for byte. supertest and fetch parse the URL first (WHATWG), which resolves
 * `.`/`..` and `%2e` segments and turns `\` into `/`, so they cannot send the paths an attacker would.
 */
import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** One request to `base` (`http://host:port`) with `target` written as given; a JSON body is parsed. */
export function rawSend(base: string, method: string, target: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, method, path: target, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        const json = /json/.test(res.headers['content-type'] ?? '');
        resolve({ status: res.statusCode!, headers: res.headers, body: json && text ? JSON.parse(text) : text || undefined });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

export interface RawClient {
  send(method: string, target: string, headers?: Record<string, string>): Promise<RawResponse>;
  close(): Promise<void>;
}

/** Serves `app` on a loopback port for rawSend. */
export async function rawClient(app: Express): Promise<RawClient> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    send: (method, target, headers) => rawSend(base, method, target, headers),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
