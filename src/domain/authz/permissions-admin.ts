/**
 * Creating, changing and deleting permissions (the operations behind Barong's admin API), with
 * every API process's policy invalidated after the commit. Barong's rules: the role must already exist (have a
 * permission row), verb ∈ get post put delete patch head all and action ∈ accept drop audit (any case; stored
 * upper-case). Paths are stored without leading slashes, the form the authorizer compares with.
 */
import {
  PERMISSION_ACTIONS,
  PERMISSION_VERBS,
  type NewPermission,
  type Permission,
} from '../../db/repositories/permissions-repository.js';
import { notFound, unprocessable } from '../../errors/app-error.js';
import type { UnitOfWork, Work } from '../unit-of-work.js';
import type { PolicyChanges } from './policy-invalidation.js';
import type { ErrorKey } from '../../errors/error-keys.js';

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
  const path = String(input.path ?? '').trim().replace(/^\/+/, '');
  const topic = input.topic?.trim() || null;
  const role = String(input.role ?? '').trim();
  if (role !== currentRole && !(await w.repos.permissions.roleExists(role))) throw unprocessable('admin.permission.role_doesnt_exist');
  if (!includes(PERMISSION_VERBS, verb)) throw unprocessable('admin.permissions.invalid_verb');
  if (!includes(PERMISSION_ACTIONS, action)) throw unprocessable('admin.permissions.invalid_action');
  const errors: ErrorKey[] = [...(path ? [] : ['path.blank' as const]), ...(path.length > 255 ? ['path.too_long' as const] : [])];
  if (topic && topic.length > 64) errors.push('topic.too_long');
  if (errors.length) throw unprocessable(errors);
  return { role, verb, path, action, topic };
}

export class PermissionsAdmin {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly policy: PolicyChanges,
  ) {}

  async create(input: PermissionInput): Promise<Permission> {
    const created = await this.save(async (w) => w.repos.permissions.insert(await validPermission(w, input)));
    await this.policy.changed(['permissions']);
    return created;
  }

  /** 404 `admin.permission.doesnt_exist` when there is no permission `id`. */
  async update(id: number, changes: Partial<PermissionInput>): Promise<Permission> {
    const updated = await this.save(async (w) => {
      const current = await w.repos.permissions.findById(id);
      if (!current) throw notFound('admin.permission.doesnt_exist');
      const given = Object.entries(changes).filter(([, v]) => v !== undefined);
      await w.repos.permissions.update(id, await validPermission(w, { ...current, ...Object.fromEntries(given) }, current.role));
      return id;
    });
    await this.policy.changed(['permissions']);
    return updated;
  }

  async delete(id: number): Promise<void> {
    const deleted = await this.uow.run((w) => w.repos.permissions.delete(id));
    if (!deleted) throw notFound('admin.permission.doesnt_exist');
    await this.policy.changed(['permissions']);
  }

  private save(work: (w: Work) => Promise<number>): Promise<Permission> {
    return this.uow.run(async (w) => {
      const id = await work(w);
      const saved = await w.repos.permissions.findById(id);
      if (!saved) throw new Error(`permission ${id} vanished inside its own transaction`);
      return saved;
    });
  }
}
