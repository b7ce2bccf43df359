/**
 * Barong's Event API message: where an event goes and the signed token it travels in.
 *
 * - Exchange `barong.events.<first segment of the name>` (direct), routing key = the rest of the name
 *   (`system.session.create` → `barong.events.system`, `session.create`).
 * - Body: the event's payload with `name` added; model events drop null fields of `record` and `changes`
 *   (Barong: `as_json_for_event_api.compact`, one level deep — the nested `user` keeps its nulls).
 * - Token: JWS JSON general serialisation as jwt-multisig writes it, signed by the signer `barong`:
 *   `{"payload": b64url(claims), "signatures": [{"protected": b64url({"alg":"RS256"}), "header": {"kid": "barong"},
 *   "signature": …}]}` with claims `iss: "barong"`, `jti`, `iat`, `exp` (iat + 1 h), `event`.
 */
import type { KeyObject } from 'node:crypto';
import { GeneralSign, type GeneralJWS } from 'jose';

export const EVENT_API_ISSUER = 'barong';
/** jwt-multisig names each signature by its signer; Barong's consumers look the key up under `barong`. */
export const EVENT_API_SIGNER = 'barong';
/** Barong 2.6.49 signs its events for an hour (its docs show 60 s). */
export const EVENT_API_TOKEN_TTL_SECONDS = 3600;
/** Barong's event categories; any other domain event (internal ones) is never published. */
export const PUBLISHED_CATEGORIES: readonly string[] = ['system', 'model'];

export function isPublishedEvent(name: string): boolean {
  const [category, ...rest] = name.split('.');
  return PUBLISHED_CATEGORIES.includes(category ?? '') && rest.length > 0;
}

export function exchangeFor(name: string): string {
  return `${EVENT_API_ISSUER}.events.${name.split('.')[0]}`;
}

export function routingKeyFor(name: string): string {
  return name.split('.').slice(1).join('.');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Ruby's Hash#compact: drops the keys whose value is null (top level only). */
function compact(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== null && v !== undefined));
}

/** The `event` claim: the payload as emitted, with `name` added (Barong's IncludeEventMetadata). */
export function eventBody(name: string, payload: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = { ...payload };
  if (name.startsWith('model.')) {
    if (isPlainObject(body.record)) body.record = compact(body.record);
    if (isPlainObject(body.changes)) body.changes = compact(body.changes);
  }
  return { ...body, name };
}

export interface EventSigningKey {
  privateKey: KeyObject;
  /** The server key's algorithm (RS256 by default; ES256 when the server signs with an EC key). */
  alg: string;
}

export interface EventClaims {
  iss: string;
  jti: string;
  iat: number;
  exp: number;
  event: Record<string, unknown>;
}

/** Signs an event body; `jti` is the domain event's id, so a re-published event keeps its identity. */
export async function signEvent(
  body: Record<string, unknown>,
  key: EventSigningKey,
  { jti, now = new Date(), ttlSeconds = EVENT_API_TOKEN_TTL_SECONDS }: { jti: string; now?: Date; ttlSeconds?: number },
): Promise<GeneralJWS> {
  const iat = Math.floor(now.getTime() / 1000);
  const claims: EventClaims = { iss: EVENT_API_ISSUER, jti, iat, exp: iat + ttlSeconds, event: body };
  const jws = await new GeneralSign(new TextEncoder().encode(JSON.stringify(claims)))
    .addSignature(key.privateKey)
    .setProtectedHeader({ alg: key.alg })
    .setUnprotectedHeader({ kid: EVENT_API_SIGNER })
    .sign();
  // jwt-multisig's member order: payload first, then each signature as protected, header, signature.
  return {
    payload: jws.payload,
    signatures: jws.signatures.map((s) => ({ protected: s.protected, header: s.header, signature: s.signature })),
  } as GeneralJWS;
}
