/** Test data built the way the app builds it (real hashing, real encryption), straight into the test database. */
import { randomBytes } from 'node:crypto';
import { generate } from 'otplib';
import type { TestApp } from './app.js';
import type { User } from '../../src/db/repositories/users-repository.js';
import type { KeyHolder } from '../../src/db/repositories/api-keys-repository.js';

export const STRONG_PASSWORD = 'Tecohvi0-Zah!Sh8ei';

/** A complete profile body as a user submits it (POST /resource/profiles). */
export const SAMPLE_PROFILE = {
  first_name: 'John',
  last_name: 'Doe',
  dob: '1990-01-15',
  address: '1600 Pennsylvania Avenue NW',
  postcode: '20500',
  city: 'Washington',
  country: 'US',
};
let counter = 0;

export function uniqueEmail(tag = 'user'): string {
  counter += 1;
  return `${tag}.${counter}.${randomBytes(3).toString('hex')}@example.com`;
}

export interface UserSpec {
  email?: string;
  password?: string;
  state?: string;
  role?: string;
  level?: number;
  /** Turns 2FA on with this base32 secret (stored encrypted, as the app stores it). */
  otpSecret?: string;
  data?: string;
  /**
   * Private labels stored as they are: state and level are not worked out from them (give those too, or use
   * activeUser, which goes through the app's label rules).
   */
  privateLabels?: Record<string, string>;
}

export async function createUser(t: TestApp, spec: UserSpec = {}): Promise<User & { password: string }> {
  const password = spec.password ?? STRONG_PASSWORD;
  const { users } = t.services.uow.repos;
  const user = await users.insert({
    uid: `ID${randomBytes(5).toString('hex').toUpperCase()}`,
    email: spec.email ?? uniqueEmail(),
    passwordDigest: await t.services.hasher.hash(password),
    role: spec.role ?? 'member',
    state: spec.state ?? 'active',
    level: spec.level ?? 1,
    data: spec.data ?? null,
  });
  if (spec.otpSecret) {
    await users.update(user.id, { otp: true, otpSecretEncrypted: t.services.encryptor.encrypt(spec.otpSecret) });
  }
  for (const [key, value] of Object.entries(spec.privateLabels ?? {})) {
    await t.services.uow.repos.labels.insert(user.id, key, value, 'private');
  }
  return { ...(await users.findById(user.id))!, password };
}

/** A user made active the way the app does it: the e-mail verified through the private label (level 1, active). */
export async function activeUser(
  t: TestApp,
  spec: Omit<UserSpec, 'state' | 'level'> = {},
): Promise<User & { password: string }> {
  const user = await createUser(t, { ...spec, state: 'pending', level: 0 });
  const updated = await t.services.uow.run((w) => t.services.privateLabels.set(w, user, 'email', 'verified'));
  return { ...updated, password: user.password };
}

/** The TOTP code for a secret, `offsetSteps` steps away from now. */
export function totpCode(secret: string, offsetSteps = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 });
}

/**
 * A code the server has not seen yet: the user's last used step is forgotten first, since a test may spend several
 * codes of one user within one 30-second step and the server takes each step once.
 */
export async function freshCode(t: TestApp, user: { id: number }, secret: string, offsetSteps = 0): Promise<string> {
  await t.services.uow.repos.users.update(user.id, { otpLastStep: null });
  return totpCode(secret, offsetSteps);
}

/** The session cookie pair (`name=value`) from a response's Set-Cookie. */
export function sessionCookie(res: { headers: Record<string, unknown> }, name = '_barong_session'): string | undefined {
  const cookies = ([] as string[]).concat((res.headers['set-cookie'] as string[] | string | undefined) ?? []);
  return cookies.find((c) => c.startsWith(`${name}=`))?.split(';')[0];
}

export interface ApiKeySpec {
  algorithm?: string;
  state?: string;
  /** 16 lower-case hex characters, as the server makes them (random unless given). */
  kid?: string;
}

export interface TestApiKey {
  kid: string;
  secret: string;
  algorithm: string;
}

/**
 * An API key stored as the service stores one (the secret encrypted), its kid made known to the gateway
 * authorizer as key creation does (authorizer-cache.ts: a kid outside that set is unknown without a SQL read).
 */
export async function createApiKey(t: TestApp, holder: KeyHolder, spec: ApiKeySpec = {}): Promise<TestApiKey> {
  const kid = spec.kid ?? randomBytes(8).toString('hex');
  const secret = randomBytes(16).toString('hex');
  const algorithm = spec.algorithm ?? 'HS256';
  const { services } = t;
  await services.uow.repos.apiKeys.insert(holder, {
    kid,
    algorithm,
    scope: [],
    secretEncrypted: services.encryptor.encrypt(secret),
    state: spec.state ?? 'active',
  });
  await services.authorizerCache.registerKids([kid]);
  return { kid, secret, algorithm };
}
