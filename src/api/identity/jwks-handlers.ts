/**
 * GET /identity/.well-known/jwks.json: the public keys of every token this server signs (RFC 7517), the signing
 * key first, then the previous and next keys kept for rotation. Not in Barong, whose consumers are handed the
 * public key as a setting; a verifier that fetches this set follows rotations by itself.
 */
import type { JwtKeys } from '../../lib/jwt-keys.js';
import type { Handler } from '../types.js';

export interface JwksHandlerDeps {
  jwtKeys: JwtKeys;
}

/** Short, so a new key reaches caches soon; docs/security.md#rotating-the-signing-key publishes a key before it signs. */
const CACHE_CONTROL = 'public, max-age=300';

export function createJwksHandlers(d: JwksHandlerDeps) {
  // Read per request: `keys rotate` changes the set while the process runs (src/domain/keys/key-ring.ts).
  const getJwks: Handler<'getJwks'> = () => ({
    status: 200,
    body: { keys: d.jwtKeys.verificationKeys.map((k) => ({ ...k.jwk })) },
    headers: { 'Cache-Control': CACHE_CONTROL },
  });

  return { getJwks };
}
