/**
 * A stand-in for Vault's TOTP secrets engine, as Barong uses it: a real `node:http` server on 127.0.0.1 speaking
 * Vault's wire format under `/v1/<mount>/`. Keys are created with a known secret (`POST keys/<name>` with `key`,
 * Vault's non-generated form) so tests can compute codes with otplib; `POST code/<name>` with `{code}` answers
 * `{data: {valid}}` (SHA1, 6 digits, 30 s, ±1 step, as Vault's defaults) and, like Vault, refuses a code used before
 * with 400 "code already used". Every request needs the right X-Vault-Token (else 403 "permission denied").
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verify } from 'otplib';

export interface VaultTotpStandIn {
  url: string;
  token: string;
  mount: string;
  /** How many code checks reached it. */
  checks: number;
  /** `down`: every request gets 503 (sealed); `hang`: none is answered (timeouts). */
  mode: 'up' | 'down' | 'hang';
  /** Off: behaves like a Vault that forgets used codes, so only our own record refuses a replay. */
  refusesReuse: boolean;
  /** Creates a key with the given base32 secret, as `vault write totp/keys/<name> key=… generate=false` would. */
  createKey(name: string, secret: string): Promise<void>;
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function reply(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

export async function startVaultTotpStandIn(mount = 'totp', token = 'vault-test-token'): Promise<VaultTotpStandIn> {
  const secrets = new Map<string, string>();
  const used = new Set<string>();
  const server: Server = createServer(async (req, res) => {
    if (state.mode === 'hang') return;
    if (state.mode === 'down') return reply(res, 503, { errors: ['Vault is sealed'] });
    if (req.headers['x-vault-token'] !== token) return reply(res, 403, { errors: ['permission denied'] });
    const match = new URL(req.url ?? '/', 'http://vault').pathname.match(/^\/v1\/(.+)\/(keys|code)\/([^/]+)$/);
    if (req.method !== 'POST' || !match || match[1] !== mount) return reply(res, 404, { errors: [] });
    const name = decodeURIComponent(match[3]!);
    const body = await readJson(req);
    if (match[2] === 'keys') {
      secrets.set(name, String(body.key));
      return void res.writeHead(204).end();
    }
    state.checks += 1;
    const secret = secrets.get(name);
    if (!secret) return reply(res, 400, { errors: [`unknown key: ${name}`] });
    const code = String(body.code ?? '');
    if (state.refusesReuse && used.has(`${name}:${code}`)) {
      return reply(res, 400, { errors: ['code already used; wait until the next time period'] });
    }
    const valid = /^\d{6}$/.test(code) && (await verify({ secret, token: code, epochTolerance: 30 })).valid;
    if (valid) used.add(`${name}:${code}`);
    return reply(res, 200, { data: { valid } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const state: VaultTotpStandIn = {
    url,
    token,
    mount,
    checks: 0,
    mode: 'up',
    refusesReuse: true,
    async createKey(name, secret) {
      const res = await fetch(`${url}/v1/${mount}/keys/${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: { 'X-Vault-Token': token, 'Content-Type': 'application/json' },
        body: JSON.stringify({ generate: false, key: secret, issuer: 'Barong', account_name: name }),
      });
      if (res.status !== 204) throw new Error(`vault stand-in: key not created (${res.status})`);
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  return state;
}
