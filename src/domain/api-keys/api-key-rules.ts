/** What an API key may be (an HMAC algorithm, a scope list, a state), and how its kid and secret are made. */
import { randomBytes } from 'node:crypto';
import type { Repositories } from '../../db/repositories/index.js';
import type { ErrorKey } from '../../errors/error-keys.js';

/** Barong 2.6.49 takes HS256 only; here the whole HMAC-SHA2 family (docs/parity.md#api-key-algorithms). */
export const API_KEY_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
export type ApiKeyAlgorithm = (typeof API_KEY_ALGORITHMS)[number];

export const API_KEY_STATES = ['active', 'inactive'] as const;

/** Longest scope list, as stored JSON; keeps a stray megabyte out of the column. */
const SCOPE_MAX_CHARS = 1024;

export function isAlgorithm(value: string): value is ApiKeyAlgorithm {
  return (API_KEY_ALGORITHMS as readonly string[]).includes(value);
}

export function isKeyState(value: string): boolean {
  return (API_KEY_STATES as readonly string[]).includes(value);
}

/** `read, trade` → ["read", "trade"]: a comma list, trimmed, without empty entries. */
export function parseScope(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function scopeErrors(scope: string[]): ErrorKey[] {
  return JSON.stringify(scope).length > SCOPE_MAX_CHARS ? ['scope.too_long'] : [];
}

/** 32 random hex characters: shown once to the holder, stored encrypted. */
export function newSecret(): string {
  return randomBytes(16).toString('hex');
}

/** 16 random hex characters, unique among all keys. */
export async function newKid(repos: Repositories): Promise<string> {
  for (;;) {
    const kid = randomBytes(8).toString('hex');
    if (!(await repos.apiKeys.kidTaken(kid))) return kid;
  }
}
