/** /resource/api_keys: the signed-in user's API keys; 2FA and its order of checks are ApiKeyService's. */
import type { components } from '../../generated/api.js';
import type { ApiKey, ApiKeyPage, KeyHolder } from '../../db/repositories/api-keys-repository.js';
import type { User } from '../../db/repositories/users-repository.js';
import { USER_KEY_ERRORS, type ApiKeyService, type KeyTarget } from '../../domain/api-keys/api-key-service.js';
import { isoSeconds } from '../presenters/format.js';
import type { Handler } from '../types.js';
import { currentUser } from './current-user.js';

export type ApiKeyEntity = components['schemas']['API_V2_Entities_APIKey'];

export interface ApiKeysHandlerDeps {
  apiKeyService: ApiKeyService;
}

/** The APIKey entity; `secret` only in the answer that creates the key. */
export function presentApiKey(k: ApiKey, secret?: string): ApiKeyEntity {
  return {
    kid: k.kid,
    algorithm: k.algorithm,
    scope: k.scope,
    state: k.state,
    ...(secret === undefined ? {} : { secret }),
    created_at: isoSeconds(k.createdAt),
    updated_at: isoSeconds(k.updatedAt),
  };
}

/** Barong's defaults: ascending by id, page 1, 100 a page. */
export function keyPage(q: {
  ordering?: 'asc' | 'desc';
  order_by?: ApiKeyPage['orderBy'];
  page?: number;
  limit?: number;
}): ApiKeyPage {
  return { ordering: q.ordering ?? 'asc', orderBy: q.order_by ?? 'id', page: q.page ?? 1, limit: q.limit ?? 100 };
}

/** A page of keys with the paging headers. */
export async function listKeys(service: ApiKeyService, holder: KeyHolder, page: ApiKeyPage) {
  const { keys, total } = await service.list(holder, page);
  return {
    status: 200 as const,
    body: keys.map((k) => presentApiKey(k)),
    headers: { Total: String(total), 'Per-Page': String(page.limit), Page: String(page.page) },
  };
}

function userTarget(user: User): KeyTarget {
  return { holder: { type: 'User', id: user.id }, owner: user, errors: USER_KEY_ERRORS };
}

export function createApiKeysHandlers(d: ApiKeysHandlerDeps) {
  const listApiKeys: Handler<'listApiKeys'> = async (req) => {
    return listKeys(d.apiKeyService, { type: 'User', id: currentUser(req).id }, keyPage(req.query));
  };

  const createApiKey: Handler<'createApiKey'> = async (req) => {
    const { algorithm, scope, totp_code } = req.body;
    const { key, secret } = await d.apiKeyService.create(userTarget(currentUser(req)), {
      algorithm,
      scope,
      totpCode: totp_code,
    });
    return { status: 201, body: presentApiKey(key, secret) };
  };

  const updateApiKey: Handler<'updateApiKey'> = async (req) => {
    const { scope, state, totp_code } = req.body;
    const key = await d.apiKeyService.update(userTarget(currentUser(req)), req.params.kid, {
      scope,
      state,
      totpCode: totp_code,
    });
    return { status: 200, body: presentApiKey(key) };
  };

  const deleteApiKey: Handler<'deleteApiKey'> = async (req) => {
    await d.apiKeyService.delete(userTarget(currentUser(req)), req.params.kid, req.query.totp_code);
    return { status: 204, body: undefined };
  };

  return { listApiKeys, createApiKey, updateApiKey, deleteApiKey };
}
