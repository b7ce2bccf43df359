/**
 * Signed management requests for tests: a management_api.yml written to a temporary file (keys made here, in
 * Barong's format: URL-safe base64 of the PEM public key) and requests signed by its signers (node:crypto, so
 * independently of the jose the server verifies with).
 */
import { generateKeyPairSync, randomUUID, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { startTestApp, type TestApp } from './app.js';
import { recordEvents } from './account-client.js';
import type { DomainEvent } from '../../src/domain/events/domain-events.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as yaml from 'js-yaml';
import type { Express } from 'express';
import request from 'supertest';

export const MANAGEMENT = '/api/v2/barong/management';

interface Signer {
  algorithm: 'RS256' | 'ES256';
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface ManagementKeys {
  /** Path of the management_api.yml to give as BARONG_MANAGEMENT_API_CONFIG. */
  file: string;
  signers: Record<string, Signer>;
  /** The signed request (general JWS JSON) carrying `data`, signed by the named signers. */
  sign(data: unknown, names: string[], claims?: Record<string, unknown>): Promise<object>;
  /** As `sign`, made at once (node:crypto signs synchronously), so a request can be built in one expression. */
  signNow(data: unknown, names: string[], claims?: Record<string, unknown>): object;
  /** Each signer's algorithm and PKCS#8 PEM private key (for the Dredd hooks, which sign in their own process). */
  privateKeys(): Record<string, { algorithm: string; pem: string }>;
}

/** Sends `data` signed by `signers` (applogic alone unless given) to a management path, as a service would. */
export function signedCaller(app: Express, keys: ManagementKeys) {
  return (path: string, data: unknown, signers: string[] = ['applogic'], method: 'post' | 'put' = 'post') =>
    request(app)
      [method](MANAGEMENT + path)
      .set('Content-Type', 'application/json')
      .send(keys.signNow(data, signers));
}

export interface ManagementTestApp {
  t: TestApp;
  call: ReturnType<typeof signedCaller>;
  /** Every domain event the app dispatched since it started. */
  events: DomainEvent[];
}

/** A test app trusting `keys`, started before the file's tests and closed after them; its fields are set once started. */
export function managementTestApp(keys: ManagementKeys): ManagementTestApp {
  const m = {} as ManagementTestApp;
  beforeAll(async () => {
    m.t = await startTestApp({ BARONG_MANAGEMENT_API_CONFIG: keys.file });
    m.call = signedCaller(m.t.app, keys);
    m.events = recordEvents(m.t);
  });
  afterAll(() => m.t?.close());
  return m;
}

/** Every scope lets `applogic` and `peatio` sign and needs `applogic`, unless `scopes` says otherwise. */
export function managementKeys(
  scopes: Record<string, { permitted_signers: string[]; mandatory_signers: string[] }> = {},
): ManagementKeys {
  const signers: Record<string, Signer> = {
    applogic: { algorithm: 'RS256', ...generateKeyPairSync('rsa', { modulusLength: 2048 }) },
    peatio: { algorithm: 'ES256', ...generateKeyPairSync('ec', { namedCurve: 'P-256' }) },
  };
  const keychain = Object.fromEntries(
    Object.entries(signers).map(([id, s]) => [
      id,
      {
        algorithm: s.algorithm,
        value: Buffer.from(String(s.publicKey.export({ type: 'spki', format: 'pem' }))).toString('base64url'),
      },
    ]),
  );
  const everyScope = [
    'read_users',
    'write_users',
    'read_labels',
    'write_labels',
    'read_phones',
    'write_phones',
    'write_documents',
    'read_service_accounts',
    'write_service_accounts',
    'write_apikeys',
    'tools',
    'otp_sign',
  ];
  const rule = { permitted_signers: ['applogic', 'peatio'], mandatory_signers: ['applogic'] };
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'barong-management-')), 'management_api.yml');
  writeFileSync(
    file,
    yaml.dump({ keychain, jwt: {}, scopes: { ...Object.fromEntries(everyScope.map((s) => [s, rule])), ...scopes } }),
  );
  return {
    file,
    signers,
    privateKeys: () =>
      Object.fromEntries(
        Object.entries(signers).map(([id, s]) => [
          id,
          { algorithm: s.algorithm, pem: String(s.privateKey.export({ type: 'pkcs8', format: 'pem' })) },
        ]),
      ),
    async sign(data, names, claims = {}) {
      return this.signNow(data, names, claims);
    },
    signNow(data, names, claims = {}) {
      const now = Math.floor(Date.now() / 1000);
      const payload = Buffer.from(
        JSON.stringify({ iat: now, exp: now + 60, jti: randomUUID(), data, ...claims }),
      ).toString('base64url');
      const signatures = names.map((name) => {
        const s = signers[name]!;
        const header = Buffer.from(JSON.stringify({ alg: s.algorithm })).toString('base64url');
        const input = Buffer.from(`${header}.${payload}`);
        // JWS wants ECDSA signatures as r || s, not DER.
        const key = s.algorithm === 'ES256' ? { key: s.privateKey, dsaEncoding: 'ieee-p1363' as const } : s.privateKey;
        return {
          protected: header,
          header: { kid: name },
          signature: cryptoSign('sha256', input, key).toString('base64url'),
        };
      });
      return { payload, signatures };
    },
  };
}

/** A management call as a service makes it: `data` signed by `signers` (applogic alone by default), as JSON. */
export async function callManagement(
  app: Express,
  keys: ManagementKeys,
  path: string,
  data: unknown,
  signers = ['applogic'],
) {
  return request(app)
    .post(MANAGEMENT + path)
    .set('Content-Type', 'application/json')
    .send(await keys.sign(data, signers));
}
