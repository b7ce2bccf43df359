/**
 * Local HTTP stand-ins for the third parties the server calls (reCAPTCHA, GeeTest, an Auth0 tenant's JWKS):
 * real `node:http` servers on 127.0.0.1, port 0, speaking each provider's wire format, recording what they got.
 * Nothing of ours is mocked; the app reaches them through its ordinary settings (BARONG_*_URL).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  form: URLSearchParams;
}

/** What a stand-in answers; `hang` never answers (for timeouts), `reset` drops the connection. */
export type Answer = { status?: number; body: string | object } | 'hang' | 'reset';

export interface StandIn {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function startStandIn(answer: (req: RecordedRequest) => Answer): Promise<StandIn> {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const recorded = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      form: new URLSearchParams(await readBody(req)),
    };
    requests.push(recorded);
    const reply = answer(recorded);
    if (reply === 'hang') return;
    if (reply === 'reset') return void req.socket.destroy();
    const json = typeof reply.body !== 'string';
    res.writeHead(reply.status ?? 200, { 'Content-Type': json ? 'application/json' : 'text/plain' });
    res.end(json ? JSON.stringify(reply.body) : reply.body);
  });
  const url = await listen(server);
  return { url, requests, close: () => closeServer(server) };
}

/** A URL where nothing listens: a port that was just free. */
export async function unreachableUrl(): Promise<string> {
  const server = createServer();
  const url = await listen(server);
  await closeServer(server);
  return url;
}

export interface RecaptchaStandIn extends StandIn {
  /** `up` checks the token; `error` answers 500; `hang` never answers. */
  mode: 'up' | 'error' | 'hang';
}

/** Google's siteverify: `success: true` only for the expected secret and token. */
export async function startRecaptcha(secret: string, goodToken: string): Promise<RecaptchaStandIn> {
  const state = { mode: 'up' as RecaptchaStandIn['mode'] };
  // Object.assign onto `state` (not a copy), so a test's `standIn.mode = …` is what the handler reads.
  const standIn = await startStandIn((req) => {
    if (state.mode === 'hang') return 'hang';
    if (state.mode === 'error' || req.path !== '/siteverify') return { status: 500, body: 'oops' };
    const success = req.form.get('secret') === secret && req.form.get('response') === goodToken;
    return {
      body: success
        ? { success: true, hostname: 'localhost' }
        : { success: false, 'error-codes': ['invalid-input-response'] },
    };
  });
  return Object.assign(state, standIn);
}

export interface GeetestStandIn extends StandIn {
  /** What register.php hands out (32 hex, as GeeTest's). */
  challenge: string;
  /** `up` answers properly; `garbage` answers register.php with a short string; `error` answers 500. */
  mode: 'up' | 'garbage' | 'error';
}

/** GeeTest v3: register.php hands out a challenge; validate.php answers md5(seccode) unless the seccode starts with `bad`. */
export async function startGeetest(): Promise<GeetestStandIn> {
  const state = { mode: 'up' as GeetestStandIn['mode'] };
  const challenge = randomBytes(16).toString('hex');
  const standIn = await startStandIn((req) => {
    if (state.mode === 'error') return { status: 500, body: 'oops' };
    if (req.path === '/register.php') return { body: state.mode === 'garbage' ? '0' : challenge };
    if (req.path === '/validate.php' && req.method === 'POST') {
      const seccode = req.form.get('seccode') ?? '';
      return { body: seccode.startsWith('bad') ? 'false' : md5(seccode) };
    }
    return { status: 404, body: 'not found' };
  });
  return Object.assign(state, standIn, { challenge });
}

/** A GeeTest widget's answer for `challenge`, as the browser would send it. */
export function geetestAnswer(key: string, challenge = randomBytes(16).toString('hex'), seccodeTag = 'jordan') {
  const validate = md5(key + 'geetest' + challenge);
  return { geetest_challenge: challenge, geetest_validate: validate, geetest_seccode: `${validate}|${seccodeTag}` };
}

export interface Auth0Tenant extends StandIn {
  issuer: string;
  /** An id_token signed with the tenant's key; `options` override the header, issuer, audience or expiry. */
  sign(claims: JWTPayload, options?: SignOptions): Promise<string>;
}

export interface SignOptions {
  audience?: string;
  issuer?: string;
  /** A relative time (`10m`) or an absolute unix time in seconds. */
  expiresIn?: string | number;
  /** Sign with this key instead of the tenant's (a forgery). */
  key?: CryptoKey;
  kid?: string;
}

/** An Auth0 tenant's public side: `/.well-known/jwks.json` with one RS256 key (kid `test-key`). */
export async function startAuth0Tenant(audience: string): Promise<Auth0Tenant> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const standIn = await startStandIn((req) =>
    req.path === '/.well-known/jwks.json' ? { body: { keys: [jwk] } } : { status: 404, body: 'not found' },
  );
  const issuer = `${standIn.url}/`;
  return Object.assign(standIn, {
    issuer,
    sign(claims: JWTPayload, o: SignOptions = {}) {
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: o.kid ?? 'test-key' })
        .setIssuer(o.issuer ?? issuer)
        .setAudience(o.audience ?? audience)
        .setSubject('auth0|test')
        .setIssuedAt()
        .setExpirationTime(o.expiresIn ?? '10m')
        .sign(o.key ?? privateKey);
    },
  });
}

export { generateKeyPair };
