/**
 * Listing, creating, changing and deleting restrictions (the operations behind Barong's admin API), with
 * every API process's policy invalidated after the commit. Values are validated and stored canonically so the
 * authorizer compares like with like: `ip` any IPv4/IPv6 address (Barong: IPv4 only), `ip_subnet` an IPv4 or
 * IPv6 CIDR, country/continent free text (code or GeoIP name), `code` a 4xx or 5xx (Barong: any). A whitelist
 * never answers, so it keeps no code of its own (Barong resets it to the default). A blocklogin row that is enabled
 * after the change ends every session of every user, as Barong does. A change made by an admin (`by`) records its
 * admin activity in the change's transaction.
 */
import { UniqueViolation } from '../../db/db-errors.js';
import {
  RESTRICTION_CATEGORIES,
  RESTRICTION_SCOPES,
  RESTRICTION_STATES,
  type NewRestriction,
  type Restriction,
  type RestrictionFilter,
} from '../../db/repositories/restrictions-repository.js';
import type { Page, PageRequest } from '../../db/repositories/paging.js';
import { notFound, unprocessable } from '../../errors/app-error.js';
import type { Logger } from '../../lib/logger.js';
import type { UnitOfWork, Work } from '../unit-of-work.js';
import { canonicalCidr, parseIp } from './ip-match.js';
import type { PolicyChanges } from './policy-invalidation.js';
import { isDenialCode } from './restrictions.js';
import type { ErrorKey } from '../../errors/error-keys.js';
import { definedFields } from '../../lib/defined-fields.js';
import { recordAdminActivity, type AdminActor, type AdminRecord } from '../admin/admin-actor.js';

export interface RestrictionInput {
  category: string;
  scope: string;
  value: string;
  code?: number | null;
  state?: string;
}

export interface SessionsEnder {
  /** Ends every session of every user; resolves to how many there were. */
  destroyAll(): Promise<number>;
}

const VALUE_MAX = 64;
const includes = <T extends string>(list: readonly T[], v: unknown): v is T => list.includes(v as T);

/** Validates a complete restriction; throws 422 with every problem (`<attribute>.<error>`, Barong's model keys). */
export function validRestriction(input: RestrictionInput): NewRestriction {
  const errors: ErrorKey[] = [];
  if (!includes(RESTRICTION_CATEGORIES, input.category)) errors.push('category.inclusion');
  if (!includes(RESTRICTION_SCOPES, input.scope)) errors.push('scope.inclusion');
  const state = input.state ?? 'enabled';
  if (!includes(RESTRICTION_STATES, state)) errors.push('state.inclusion');
  const code = input.category === 'whitelist' ? null : (input.code ?? null);
  if (code !== null && !isDenialCode(code)) errors.push('code.invalid');
  let value = typeof input.value === 'string' ? input.value.trim() : '';
  if (!value) errors.push('value.blank');
  else if (value.length > VALUE_MAX) errors.push('value.too_long');
  else if (input.scope === 'ip') value = parseIp(value)?.text ?? (errors.push('value.invalid'), value);
  else if (input.scope === 'ip_subnet') value = canonicalCidr(value) ?? (errors.push('value.invalid'), value);
  if (errors.length) throw unprocessable(errors);
  return { category: input.category, scope: input.scope, value, code, state } as NewRestriction;
}

export class RestrictionsAdmin {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly policy: PolicyChanges,
    private readonly sessions: SessionsEnder,
    private readonly logger: Logger,
  ) {}

  list(filter: RestrictionFilter, page: PageRequest): Promise<Page<Restriction>> {
    return this.uow.repos.restrictions.page(filter, page);
  }

  async create(input: RestrictionInput, by?: AdminActor): Promise<Restriction> {
    const row = validRestriction(input);
    const created = await this.save(by, { action: 'create', params: definedFields(input) }, async (w) => {
      if (await w.repos.restrictions.exists(row.category, row.scope, row.value)) throw unprocessable('value.taken');
      return w.repos.restrictions.insert(row);
    });
    await this.afterChange(created);
    return created;
  }

  /** Changes any of the fields of restriction `id`; 404 `admin.restriction.doesnt_exist` when there is none. */
  async update(id: number, changes: Partial<RestrictionInput>, by?: AdminActor): Promise<Restriction> {
    const updated = await this.save(by, { action: 'update', params: { id, ...definedFields(changes) } }, async (w) => {
      const current = await w.repos.restrictions.findById(id);
      if (!current) throw notFound('admin.restriction.doesnt_exist');
      const row = validRestriction({ ...current, ...definedFields(changes) });
      await w.repos.restrictions.update(id, row);
      return id;
    });
    await this.afterChange(updated);
    return updated;
  }

  async delete(id: number, by?: AdminActor): Promise<void> {
    await this.uow.run(async (w) => {
      if (!(await w.repos.restrictions.delete(id))) throw notFound('admin.restriction.doesnt_exist');
      if (by) await recordAdminActivity(w, by, { topic: 'restrictions', action: 'delete', params: { id } });
    });
    await this.policy.changed(['restrictions']);
  }

  private async save(
    by: AdminActor | undefined,
    record: Omit<AdminRecord, 'topic'>,
    work: (w: Work) => Promise<number>,
  ): Promise<Restriction> {
    try {
      return await this.uow.run(async (w) => {
        const id = await work(w);
        const saved = await w.repos.restrictions.findById(id);
        if (!saved) throw new Error(`restriction ${id} vanished inside its own transaction`);
        if (by) await recordAdminActivity(w, by, { topic: 'restrictions', ...record });
        return saved;
      });
    } catch (err) {
      if (err instanceof UniqueViolation) throw unprocessable('value.taken');
      throw err;
    }
  }

  private async afterChange(r: Restriction): Promise<void> {
    await this.policy.changed(['restrictions']);
    if (r.category === 'blocklogin' && r.state === 'enabled') {
      const ended = await this.sessions.destroyAll();
      this.logger.info({ restriction: r.id, sessions: ended }, 'blocklogin restriction in force: every session ended');
    }
  }
}
