/**
 * Signed management requests for tests: a management_api.yml written to a temporary file (keys made here, in
 * Barong's format: URL-safe base64 of the PEM public key) and requests signed by its signers with jose.
 */
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GeneralSign } from 'jose';
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
  /** Each signer's algorithm and PKCS#8 PEM private key (for the Dredd hooks, which sign in their own process). */
  privateKeys(): Record<string, { algorithm: string; pem: string }>;
}

/** Every scope lets `applogic` and `peatio` sign and needs `applogic`, unless `scopes` says otherwise. */
export function managementKeys(scopes: Record<string, { permitted_signers: string[]; mandatory_signers: string[] }> = {}): ManagementKeys {
  const signers: Record<string, Signer> = {
    applogic: { algorithm: 'RS256', ...generateKeyPairSync('rsa', { modulusLength: 2048 }) },
    peatio: { algorithm: 'ES256', ...generateKeyPairSync('ec', { namedCurve: 'P-256' }) },
  };
  const keychain = Object.fromEntries(
    Object.entries(signers).map(([id, s]) => [
      id,
      { algorithm: s.algorithm, value: Buffer.from(String(s.publicKey.export({ type: 'spki', format: 'pem' }))).toString('base64url') },
    ]),
  );
  const everyScope = ['read_users', 'write_users', 'read_labels', 'write_labels', 'read_phones', 'write_phones', 'write_documents', 'read_service_accounts', 'write_service_accounts', 'write_apikeys', 'tools', 'otp_sign'];
  const rule = { permitted_signers: ['applogic', 'peatio'], mandatory_signers: ['applogic'] };
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'barong-management-')), 'management_api.yml');
  writeFileSync(file, yaml.dump({ keychain, jwt: {}, scopes: { ...Object.fromEntries(everyScope.map((s) => [s, rule])), ...scopes } }));
  return {
    file,
    signers,
    privateKeys: () =>
      Object.fromEntries(
        Object.entries(signers).map(([id, s]) => [id, { algorithm: s.algorithm, pem: String(s.privateKey.export({ type: 'pkcs8', format: 'pem' })) }]),
      ),
    async sign(data, names, claims = {}) {
      const now = Math.floor(Date.now() / 1000);
      const payload = { iat: now, exp: now + 60, jti: randomUUID(), data, ...claims };
      const jws = new GeneralSign(new TextEncoder().encode(JSON.stringify(payload)));
      for (const name of names) {
        const s = signers[name]!;
        jws.addSignature(s.privateKey).setProtectedHeader({ alg: s.algorithm }).setUnprotectedHeader({ kid: name });
      }
      return jws.sign();
    },
  };
}

/** A management call as a service makes it: `data` signed by `signers` (applogic alone by default), as JSON. */
export async function callManagement(app: Express, keys: ManagementKeys, path: string, data: unknown, signers = ['applogic']) {
  return request(app).post(MANAGEMENT + path).set('Content-Type', 'application/json').send(await keys.sign(data, signers));
}
