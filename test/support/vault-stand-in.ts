/**
 * A local stand-in for the parts of HashiCorp Vault's HTTP API that Barong used: the transit engine's encrypt and
 * decrypt (`POST /v1/<mount>/{encrypt,decrypt}/<key>`, single items and `batch_input`), behind `X-Vault-Token`.
 * Ciphertexts look like Vault's (`vault:v1:<base64>`) and are AES-256-GCM under a key per key name, so a ciphertext
 * made for one key does not open under another. Plaintexts are Base64, as Vault's API wants them. More engines
 * (TOTP) plug in through `route()`.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type VaultHandler = (body: Record<string, unknown>, path: string) => { status: number; body: unknown };

export interface VaultStandIn {
  url: string;
  token: string;
  /** Requests by path, e.g. `POST /v1/transit/decrypt/barong_apikeys_secret`. */
  requests: { method: string; path: string; body: Record<string, unknown> }[];
  /** Vault's ciphertext of `plaintext` (UTF-8) under `key`, as `transit/encrypt` would answer. */
  encrypt(key: string, plaintext: string): string;
  /** Adds a route, e.g. `route('POST', /^\/v1\/totp\/code\/(.+)$/, handler)`. */
  route(method: string, path: RegExp, handler: VaultHandler): void;
  close(): Promise<void>;
}

const keyOf = (name: string) => createHash('sha256').update(`vault stand-in ${name}`).digest();

function seal(name: string, plaintextBase64: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(name), iv);
  const data = Buffer.concat([cipher.update(Buffer.from(plaintextBase64, 'base64')), cipher.final()]);
  return `vault:v1:${Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64')}`;
}

function open(name: string, ciphertext: string): string {
  const match = /^vault:v1:(.+)$/.exec(ciphertext);
  if (!match) throw new Error('invalid ciphertext: no prefix');
  const raw = Buffer.from(match[1]!, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', keyOf(name), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('base64');
}

/** One transit item or a batch of them; Vault answers 400 when any item of a batch failed, keeping the others. */
function transit(operation: 'encrypt' | 'decrypt', key: string, body: Record<string, unknown>) {
  const one = (item: Record<string, unknown>): Record<string, string> => {
    try {
      return operation === 'encrypt'
        ? { ciphertext: seal(key, String(item.plaintext)) }
        : { plaintext: open(key, String(item.ciphertext)) };
    } catch {
      return { error: 'cipher: message authentication failed' };
    }
  };
  if (Array.isArray(body.batch_input)) {
    const results = (body.batch_input as Record<string, unknown>[]).map(one);
    return { status: results.some((r) => r.error) ? 400 : 200, body: { data: { batch_results: results } } };
  }
  const result = one(body);
  return result.error ? { status: 400, body: { errors: [result.error] } } : { status: 200, body: { data: result } };
}

export async function startVaultStandIn(token = `s.${randomBytes(12).toString('hex')}`): Promise<VaultStandIn> {
  const requests: VaultStandIn['requests'] = [];
  const routes: { method: string; path: RegExp; handler: VaultHandler }[] = [
    {
      method: 'POST',
      path: /^\/v1\/transit\/(encrypt|decrypt)\/([^/]+)$/,
      handler: (body, path) => {
        const [, operation, key] = /^\/v1\/transit\/(encrypt|decrypt)\/([^/]+)$/.exec(path)!;
        return transit(operation as 'encrypt' | 'decrypt', decodeURIComponent(key!), body);
      },
    },
  ];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = new URL(req.url ?? '/', 'http://vault').pathname;
    let body: Record<string, unknown>;
    try {
      body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      res.writeHead(400, { 'Content-Type': 'application/json' }).end('{"errors":["failed to parse JSON input"]}');
      return;
    }
    requests.push({ method: req.method ?? 'GET', path, body });
    const send = (status: number, payload: unknown) =>
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(payload));
    if (req.headers['x-vault-token'] !== token) return send(403, { errors: ['permission denied'] });
    const route = routes.find((r) => r.method === req.method && r.path.test(path));
    if (!route) return send(404, { errors: [] });
    const answer = route.handler(body, path);
    send(answer.status, answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requests,
    encrypt: (key, plaintext) => seal(key, Buffer.from(plaintext, 'utf8').toString('base64')),
    route: (method, path, handler) => routes.push({ method, path, handler }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
