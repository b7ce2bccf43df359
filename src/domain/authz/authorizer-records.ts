/** The gateway authorizer's cached records of callers and API keys (authorizer-cache.ts), as Redis holds them. */
import type { User } from '../../db/repositories/users-repository.js';
import type { ServiceAccount } from '../../db/repositories/service-accounts-repository.js';
import type { KeyHolderType } from '../../db/repositories/api-keys-repository.js';
import { userClaims, type SessionClaims } from '../tokens/session-jwt.js';

export interface PrincipalRecord {
  kind: 'user' | 'service_account';
  /** users.id or service_accounts.id. */
  id: number;
  /** The JWT payload: the user's, or a service account's uid, email, role, level, state. */
  claims: SessionClaims;
  /** Users only: 2FA is on (a user's API keys need it). */
  otp: boolean;
}

export interface ApiKeyRecord {
  id: number;
  algorithm: string;
  secretEncrypted: string;
  state: string;
  holderType: KeyHolderType;
  holderId: number;
  holderUid: string;
}

/** A record and the exact string Redis holds: the string is the record's version (JWT reuse compares it). */
export interface Cached<T> {
  value: T;
  raw: string;
}

export function userPrincipal(user: User): PrincipalRecord {
  return { kind: 'user', id: user.id, claims: userClaims(user), otp: user.otp };
}

/** Barong's service-account payload: uid, email, role, level, state. */
export function serviceAccountPrincipal(account: ServiceAccount): PrincipalRecord {
  const { uid, email, role, level, state } = account;
  return { kind: 'service_account', id: account.id, claims: { uid, email, role, level, state }, otp: false };
}

/** A record as Redis holds it; anything unreadable counts as a miss. */
export function parseCached<T>(raw: string | null | undefined): Cached<T> | undefined {
  if (!raw) return undefined;
  try {
    return { value: JSON.parse(raw) as T, raw };
  } catch {
    return undefined;
  }
}
