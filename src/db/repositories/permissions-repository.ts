import { offsetOf, type Page, type PageRequest } from './paging.js';
import type { Knex } from 'knex';
import type { Row } from '../row.js';

export const PERMISSION_VERBS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'ALL'] as const;
export const PERMISSION_ACTIONS = ['ACCEPT', 'DROP', 'AUDIT'] as const;
export type PermissionVerb = (typeof PERMISSION_VERBS)[number];
export type PermissionAction = (typeof PERMISSION_ACTIONS)[number];

export interface Permission {
  id: number;
  role: string;
  verb: PermissionVerb;
  /** A prefix of the request path, without a leading slash. */
  path: string;
  action: PermissionAction;
  topic: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type NewPermission = Pick<Permission, 'role' | 'verb' | 'path' | 'action' | 'topic'>;

const toPermission = (r: Row): Permission => ({
  id: Number(r.id),
  role: r.role,
  verb: r.verb,
  path: r.path,
  action: r.action,
  topic: r.topic,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class PermissionsRepository {
  constructor(private readonly db: Knex) {}

  /** Every row in id order: the order the authorizer reads them in ("the first AUDIT row's topic"). */
  async all(): Promise<Permission[]> {
    return (await this.db('permissions').orderBy('id')).map(toPermission);
  }

  /** One page in id order, and how many rows there are in all. */
  async page(p: PageRequest): Promise<Page<Permission>> {
    const [count] = await this.db('permissions').count({ n: '*' });
    const rows = await this.db('permissions').orderBy('id').limit(p.limit).offset(offsetOf(p));
    return { items: rows.map(toPermission), total: Number(count?.n ?? 0) };
  }

  async findById(id: number): Promise<Permission | undefined> {
    const row = await this.db('permissions').where({ id }).first();
    return row ? toPermission(row) : undefined;
  }

  async roleExists(role: string): Promise<boolean> {
    return Boolean(await this.db('permissions').where({ role }).first('id'));
  }

  /** A row with this role, verb, path and action, whatever its topic. */
  async exists(p: Omit<NewPermission, 'topic'>): Promise<boolean> {
    const { role, verb, path, action } = p;
    return Boolean(await this.db('permissions').where({ role, verb, path, action }).first('id'));
  }

  async insert(p: NewPermission): Promise<number> {
    const [id] = await this.db('permissions').insert(p);
    return Number(id);
  }

  async update(id: number, fields: Partial<NewPermission>): Promise<void> {
    await this.db('permissions').where({ id }).update(fields);
  }

  async delete(id: number): Promise<boolean> {
    return (await this.db('permissions').where({ id }).delete()) > 0;
  }
}
