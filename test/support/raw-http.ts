/**
 * HTTP exactly as written: the request target goes out byte for byte (supertest and fetch normalise `/./`,
 * `/../` and escapes), and a request line Node's client refuses to build (tabs, spaces) goes out over a socket.
 */
import http from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The body as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string | string[]>;
  body?: Buffer | string;
  /** Milliseconds before the request counts as hung (it is then destroyed and the promise rejects). */
  timeoutMs?: number;
}

export interface Listening {
  port: number;
  close(): Promise<void>;
}

export function listen(app: Express): Promise<Listening> {
  return new Promise((resolve) => {
    const server = http.createServer(app).listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

export function rawRequest(port: number, r: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    // Node's client frames a GET or DELETE body only with an explicit length; without one the body would be read
    // as the next request on the connection.
    const sized =
      r.body !== undefined &&
      !Object.keys(r.headers ?? {}).some((h) => /^(content-length|transfer-encoding)$/i.test(h));
    const headers = sized ? { ...r.headers, 'Content-Length': String(Buffer.byteLength(r.body!)) } : r.headers;
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: r.method ?? 'GET',
        path: r.path,
        headers,
        agent,
        timeout: r.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: parse(text) });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${r.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    req.end(r.body);
  });
}

/** Sends `head` (request line and headers, without the blank line) over a fresh socket; reads until close. */
export function rawSocketRequest(port: number, head: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(`${head}\r\nConnection: close\r\n\r\n`));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const [headText = '', ...rest] = raw.split('\r\n\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(headText)?.[1] ?? 0);
      const headers: http.IncomingHttpHeaders = {};
      for (const line of headText.split('\r\n').slice(1)) {
        const i = line.indexOf(':');
        if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
      }
      const text = rest.join('\r\n\r\n');
      resolve({ status, headers, text, json: parse(text) });
    });
  });
}

export interface SentResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The JSON answer, else the text (undefined when empty). */
  body: unknown;
}

/** One request to `base` (`http://127.0.0.1:<port>`, e.g. a gateway in front of the app) with `target` as given. */
export async function rawSend(
  base: string,
  method: string,
  target: string,
  headers: Record<string, string> = {},
): Promise<SentResponse> {
  const r = await rawRequest(Number(new URL(base).port), { method, path: target, headers });
  return { status: r.status, headers: r.headers, body: r.json ?? (r.text || undefined) };
}

export interface RawClient {
  send(method: string, target: string, headers?: Record<string, string>): Promise<SentResponse>;
  close(): Promise<void>;
}

/** Serves `app` on a loopback port for rawSend. */
export async function rawClient(app: Express): Promise<RawClient> {
  const server = await listen(app);
  const base = `http://127.0.0.1:${server.port}`;
  return { send: (method, target, headers) => rawSend(base, method, target, headers), close: () => server.close() };
}
