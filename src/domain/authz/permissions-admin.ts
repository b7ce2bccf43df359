/**
 * Listing, creating, changing and deleting permissions (the operations behind Barong's admin API), with every API
 * process's policy invalidated after the commit. Barong's rules, in its order: verb ∈ get post put delete patch
 * head all, then action ∈ accept drop audit (any case; stored upper-case), then the role must already exist (have
 * a permission row). Paths are stored without leading slashes, the form the authorizer compares with.
 * A change made by an admin (`by`) records its admin activity in the change's transaction.
 */
import {
  PERMISSION_ACTIONS,
  PERMISSION_VERBS,
  type NewPermission,
  type Permission,
} from '../../db/repositories/permissions-repository.js';
import type { Page, PageRequest } from '../../db/repositories/paging.js';
import { notFound, unprocessable } from '../../errors/app-error.js';
import type { UnitOfWork, Work } from '../unit-of-work.js';
import type { PolicyChanges } from './policy-invalidation.js';
import type { ErrorKey } from '../../errors/error-keys.js';
import { definedFields } from '../../lib/defined-fields.js';
import { recordAdminActivity, type AdminActor, type AdminRecord } from '../admin/admin-actor.js';

export interface PermissionInput {
  role: string;
  verb: string;
  path: string;
  action: string;
  topic?: string | null;
}

const includes = <T extends string>(list: readonly T[], v: string): v is T => list.includes(v as T);

async function validPermission(w: Work, input: PermissionInput, currentRole?: string): Promise<NewPermission> {
  const verb = String(input.verb ?? '').toUpperCase();
  const action = String(input.action ?? '').toUpperCase();
  const path = String(input.path ?? '')
    .trim()
    .replace(/^\/+/, '');
  const topic = input.topic?.trim() || null;
  const role = String(input.role ?? '').trim();
  if (!includes(PERMISSION_VERBS, verb)) throw unprocessable('admin.permissions.invalid_verb');
  if (!includes(PERMISSION_ACTIONS, action)) throw unprocessable('admin.permissions.invalid_action');
  if (role !== currentRole && !(await w.repos.permissions.roleExists(role)))
    throw unprocessable('admin.permission.role_doesnt_exist');
  const errors: ErrorKey[] = [
    ...(path ? [] : ['path.blank' as const]),
    ...(path.length > 255 ? ['path.too_long' as const] : []),
  ];
  if (topic && topic.length > 64) errors.push('topic.too_long');
  if (errors.length) throw unprocessable(errors);
  return { role, verb, path, action, topic };
}

export class PermissionsAdmin {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly policy: PolicyChanges,
  ) {}

  list(page: PageRequest): Promise<Page<Permission>> {
    return this.uow.repos.permissions.page(page);
  }

  async create(input: PermissionInput, by?: AdminActor): Promise<Permission> {
    const created = await this.save(by, { action: 'create', params: definedFields(input) }, async (w) =>
      w.repos.permissions.insert(await validPermission(w, input)),
    );
    await this.policy.changed(['permissions']);
    return created;
  }

  /** 404 `admin.permission.doesnt_exist` when there is no permission `id`. */
  async update(id: number, changes: Partial<PermissionInput>, by?: AdminActor): Promise<Permission> {
    const updated = await this.save(by, { action: 'update', params: { id, ...definedFields(changes) } }, async (w) => {
      const current = await w.repos.permissions.findById(id);
      if (!current) throw notFound('admin.permission.doesnt_exist');
      await w.repos.permissions.update(
        id,
        await validPermission(w, { ...current, ...definedFields(changes) }, current.role),
      );
      return id;
    });
    await this.policy.changed(['permissions']);
    return updated;
  }

  async delete(id: number, by?: AdminActor): Promise<void> {
    await this.uow.run(async (w) => {
      if (!(await w.repos.permissions.delete(id))) throw notFound('admin.permission.doesnt_exist');
      if (by) await recordAdminActivity(w, by, { topic: 'permissions', action: 'delete', params: { id } });
    });
    await this.policy.changed(['permissions']);
  }

  private save(
    by: AdminActor | undefined,
    record: Omit<AdminRecord, 'topic'>,
    work: (w: Work) => Promise<number>,
  ): Promise<Permission> {
    return this.uow.run(async (w) => {
      const id = await work(w);
      const saved = await w.repos.permissions.findById(id);
      if (!saved) throw new Error(`permission ${id} vanished inside its own transaction`);
      if (by) await recordAdminActivity(w, by, { topic: 'permissions', ...record });
      return saved;
    });
  }
}
