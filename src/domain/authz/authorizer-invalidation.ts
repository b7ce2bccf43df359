/**
 * Keeps the gateway authorizer's Redis records (authorizer-cache.ts) in step with the database: a domain-event
 * subscriber, so it runs after the change committed, in the process that made it; the records live in Redis, so
 * every API process sees the next read miss and refill.
 *   - `model.user.updated` (level, state, 2FA, data): the user, their service accounts and every API key of both
 *     (leaving `active` or turning 2FA off deactivates the keys and moves the service accounts in the same change);
 *   - API_KEY_CHANGED (a key was created, changed or deleted): that key; a new key's kid joins the set of existing
 *     kids (authorizer-cache.ts) before its creator gets the answer;
 *   - SERVICE_ACCOUNT_CHANGED (the management API moved or disabled an account): the account and the keys named.
 */
import type { DomainEvent } from '../events/domain-events.js';
import type { EventSubscriber } from '../events/event-dispatcher.js';
import type { AuthorizerCache } from './authorizer-cache.js';

/** Internal (never published): an API key changed or was deleted; payload `{ kid }`. */
export const API_KEY_CHANGED = 'internal.api_key.changed';
/** Internal: a service account's owner, level or state changed, and these of its keys with it; `{ uid, kids }`. */
export const SERVICE_ACCOUNT_CHANGED = 'internal.service_account.changed';

export function authorizerInvalidation(cache: AuthorizerCache): EventSubscriber {
  return async (event: DomainEvent): Promise<void> => {
    if (event.name === 'model.user.updated') {
      const uid = (event.payload.record as { uid?: unknown } | undefined)?.uid;
      if (typeof uid === 'string') await cache.invalidateOwner(uid);
    } else if (event.name === SERVICE_ACCOUNT_CHANGED) {
      const { uid, kids } = event.payload as { uid?: unknown; kids?: unknown };
      if (typeof uid === 'string')
        await cache.invalidateServiceAccount(uid, Array.isArray(kids) ? kids.map(String) : []);
    } else if (event.name === API_KEY_CHANGED) {
      const kid = event.payload.kid;
      if (typeof kid === 'string') await Promise.all([cache.invalidateApiKeys([kid]), cache.registerKids([kid])]);
    }
  };
}
