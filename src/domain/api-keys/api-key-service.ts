/**
 * API keys of a user or of one of the user's service accounts. Listing is open to the
 * signed-in owner; every change the owner makes needs their 2FA on and a fresh TOTP code, checked in Barong's order:
 * 2FA off → 400 `<area>.2fa_disabled`, no code → 422 `<area>.missing_totp`, wrong code → 422 `<area>.invalid_totp`
 * (too many wrong codes → 429 `<area>.too_many_attempts`). The secret is stored encrypted and shown only once,
 * in the answer that creates the key. A key is created or activated only while its holder is `active`. The exchange's
 * services (management API) create and change keys without 2FA: their signed request is the authority.
 */
import { badRequest, notFound, unprocessable } from '../../errors/app-error.js';
import type { ErrorKey } from '../../errors/error-keys.js';
import type { ApiKey, ApiKeyPage, KeyHolder } from '../../db/repositories/api-keys-repository.js';
import type { User } from '../../db/repositories/users-repository.js';
import type { Encryptor } from '../../lib/encryptor.js';
import type { UnitOfWork, Work } from '../unit-of-work.js';
import type { OtpCodes } from '../otp/otp-codes.js';
import { isAlgorithm, isKeyState, newKid, newSecret, parseScope, scopeErrors } from './api-key-rules.js';
import { API_KEY_CHANGED } from '../authz/authorizer-invalidation.js'; // the gateway authorizer forgets its cached key

/** The error keys of one API area (Barong names them per area). */
export interface KeyAreaErrors {
  disabled: ErrorKey;
  missing: ErrorKey;
  invalid: ErrorKey;
  tooMany: ErrorKey;
}

export const USER_KEY_ERRORS: KeyAreaErrors = {
  disabled: 'resource.api_key.2fa_disabled',
  missing: 'resource.api_key.missing_totp',
  invalid: 'resource.api_key.invalid_totp',
  tooMany: 'resource.api_key.too_many_attempts',
};

export const SERVICE_ACCOUNT_KEY_ERRORS: KeyAreaErrors = {
  disabled: 'resource.service_accounts.2fa_disabled',
  missing: 'resource.service_accounts.missing_totp',
  invalid: 'resource.service_accounts.invalid_totp',
  tooMany: 'resource.service_accounts.too_many_attempts',
};

/** Whose keys: the holder, the user who manages them (the holder itself, or the service account's owner). */
export interface KeyTarget {
  holder: KeyHolder;
  owner: User;
  errors: KeyAreaErrors;
}

export interface NewKeyInput {
  algorithm: string;
  scope?: string;
}

/** Absent fields stay as they are. */
export interface KeyChange {
  scope?: string;
  state?: string;
}

export interface ApiKeyServiceDeps {
  uow: UnitOfWork;
  codes: OtpCodes;
  encryptor: Encryptor;
}

export class ApiKeyService {
  constructor(private readonly d: ApiKeyServiceDeps) {}

  list(holder: KeyHolder, page: ApiKeyPage): Promise<{ keys: ApiKey[]; total: number }> {
    return this.d.uow.repos.apiKeys.list(holder, page);
  }

  /** A new key; its plain secret is returned this once. */
  async create(
    target: KeyTarget,
    input: NewKeyInput & { totpCode?: string },
  ): Promise<{ key: ApiKey; secret: string }> {
    await this.secondFactor(target, input.totpCode);
    return this.insert(target.holder, input, (w) => this.lockHolder(w, target));
  }

  /** A new key for a holder the exchange's services name (management API): no 2FA; the holder must be active. */
  createForService(holder: KeyHolder, input: NewKeyInput): Promise<{ key: ApiKey; secret: string }> {
    return this.insert(holder, input, (w) => lockHolderAlone(w, holder));
  }

  async update(target: KeyTarget, kid: string, input: KeyChange & { totpCode?: string }): Promise<ApiKey> {
    await this.secondFactor(target, input.totpCode);
    return this.change(
      target.holder,
      kid,
      input,
      (w) => this.lockHolder(w, target),
      () => notFound('record.not_found'),
    );
  }

  /** A change the exchange's services make (management API): no 2FA; `missing` is their answer to an unknown kid. */
  updateForService(holder: KeyHolder, kid: string, input: KeyChange, missing: () => Error): Promise<ApiKey> {
    return this.change(holder, kid, input, (w) => lockHolderAlone(w, holder), missing);
  }

  async delete(target: KeyTarget, kid: string, totpCode: string | undefined): Promise<void> {
    await this.secondFactor(target, totpCode);
    await this.d.uow.run(async (w) => {
      await this.lockHolder(w, target);
      const key = await w.repos.apiKeys.findByKid(target.holder, kid);
      if (!key) throw notFound('record.not_found');
      await w.repos.apiKeys.delete(key.id);
      w.emit(API_KEY_CHANGED, { kid: key.kid });
    });
  }

  /** `lock` locks what keeps the holder's state until the transaction ends, and answers it (see lockHolder). */
  private insert(
    holder: KeyHolder,
    input: NewKeyInput,
    lock: (w: Work) => Promise<string>,
  ): Promise<{ key: ApiKey; secret: string }> {
    const scope = parseScope(input.scope);
    return this.d.uow.run(async (w) => {
      const holderState = await lock(w);
      const errors: ErrorKey[] = [
        ...(isAlgorithm(input.algorithm) ? [] : ['algorithm.inclusion' as const]),
        ...scopeErrors(scope),
      ];
      if (holderState !== 'active') errors.push('key_holder_account.invalid');
      if (errors.length) throw unprocessable(errors);
      const secret = newSecret();
      const key = await w.repos.apiKeys.insert(holder, {
        kid: await newKid(w.repos),
        algorithm: input.algorithm,
        scope,
        secretEncrypted: this.d.encryptor.encrypt(secret),
        state: 'active',
      });
      // The gateway authorizer may remember this kid as unknown for a few seconds; that record goes too.
      w.emit(API_KEY_CHANGED, { kid: key.kid });
      return { key, secret };
    });
  }

  private change(
    holder: KeyHolder,
    kid: string,
    input: KeyChange,
    lock: (w: Work) => Promise<string>,
    missing: () => Error,
  ): Promise<ApiKey> {
    return this.d.uow.run(async (w) => {
      const holderState = await lock(w);
      const key = await w.repos.apiKeys.findByKid(holder, kid);
      if (!key) throw missing();
      const scope = input.scope === undefined ? undefined : parseScope(input.scope);
      const errors: ErrorKey[] = scope ? scopeErrors(scope) : [];
      if (input.state !== undefined && !isKeyState(input.state)) errors.push('state.inclusion');
      else if ((input.state ?? key.state) === 'active' && holderState !== 'active') errors.push('state.invalid');
      if (errors.length) throw unprocessable(errors);
      w.emit(API_KEY_CHANGED, { kid: key.kid });
      return w.repos.apiKeys.update(key.id, { scope, state: input.state });
    });
  }

  private async secondFactor(target: KeyTarget, code: string | undefined): Promise<void> {
    const { owner, errors } = target;
    if (!owner.otp) throw badRequest(errors.disabled);
    const trimmed = code?.trim();
    if (!trimmed) throw unprocessable(errors.missing);
    if (!(await this.d.codes.accept(this.d.uow.repos, owner, trimmed, errors.tooMany)))
      throw unprocessable(errors.invalid);
  }

  /**
   * Locks the owner's row (and the service account's) until the transaction ends, so 2FA cannot be turned off
   * nor the holder leave `active` half-way through; answers the holder's state.
   */
  private async lockHolder(w: Work, target: KeyTarget): Promise<string> {
    const owner = await w.repos.users.lockRow(target.owner.id);
    if (!owner) throw notFound('record.not_found');
    if (!owner.otp) throw badRequest(target.errors.disabled);
    if (target.holder.type === 'User') return owner.state;
    const account = await w.repos.serviceAccounts.lock(target.holder.id);
    if (!account) throw notFound('resource.service_account.doesnt_exist');
    return account.state;
  }
}

/** The holder's row locked, and its state; a holder that has gone answers 404. */
async function lockHolderAlone(w: Work, holder: KeyHolder): Promise<string> {
  const row =
    holder.type === 'User' ? await w.repos.users.lockRow(holder.id) : await w.repos.serviceAccounts.lock(holder.id);
  if (!row) throw notFound('record.not_found');
  return row.state;
}
