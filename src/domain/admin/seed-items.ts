/**
 * How each entry of a seeds file is created, in Barong's config/seeds.yml terms, and how an entry that is already
 * there is recognised (so a second run changes nothing): a level by key and value, a permission by role, verb, path
 * and action, a restriction by category, scope and value, a user by e-mail. Each creation is one transaction with
 * its admin activity. A refusal names the entry's problem; anything else (the database gone) stops the seed.
 */
import { randomBytes } from 'node:crypto';
import {
  PERMISSION_ACTIONS,
  PERMISSION_VERBS,
  type NewPermission,
} from '../../db/repositories/permissions-repository.js';
import { AppError } from '../../errors/app-error.js';
import type { Work } from '../unit-of-work.js';
import { adminHold } from '../accounts/account-state.js';
import { emailErrors, passwordErrors } from '../accounts/user-rules.js';
import { validRestriction } from '../authz/restrictions-admin.js';
import { recordAdminActivity, type AdminRecord, type CliActor } from './admin-actor.js';
import { insertUser, OperatorRefusal, type OperatorAccountsDeps } from './operator-accounts.js';

export interface SeedLevel {
  key: string;
  value: string;
  description?: string | null;
}

export interface SeedPermission {
  role: string;
  verb: string;
  path: string;
  action: string;
  topic?: string | null;
}

export interface SeedRestriction {
  category: string;
  scope: string;
  value: string;
  state: string;
  code?: number | null;
}

export interface SeedUser {
  email: string;
  level: number;
  uid?: string;
  password?: string;
  role?: string;
  state?: string;
}

/** Whether the entry was made now; false when it was there already. */
type Created = boolean;

export type SeedItemsDeps = Pick<OperatorAccountsDeps, 'config' | 'uow' | 'hasher' | 'passwordPolicy'>;

const includes = <T extends string>(list: readonly T[], v: string): v is T => list.includes(v as T);

export class SeedItems {
  constructor(
    private readonly d: SeedItemsDeps,
    private readonly actor: CliActor,
  ) {}

  /** Level ids are positions in the file (Barong's): the n-th level is id n. */
  async level(level: SeedLevel, id: number): Promise<Created> {
    const levels = await this.d.uow.repos.levels.list();
    if (levels.some((l) => l.key === level.key && l.value === level.value)) return false;
    const holder = levels.find((l) => l.id === id);
    if (holder) throw new OperatorRefusal(`level ${id} is ${holder.key}:${holder.value} in the database`);
    const row = { id, key: level.key, value: level.value, description: level.description ?? null };
    return this.create({ topic: 'levels', action: 'create', params: row }, (w) => w.repos.levels.insert(row));
  }

  async permission(input: SeedPermission): Promise<Created> {
    const p = permissionRow(input);
    if (await this.d.uow.repos.permissions.exists(p)) return false;
    return this.create({ topic: 'permissions', action: 'create', params: { ...p } }, (w) =>
      w.repos.permissions.insert(p),
    );
  }

  async restriction(input: SeedRestriction): Promise<Created> {
    const r = refusing(() => validRestriction(input));
    if (await this.d.uow.repos.restrictions.exists(r.category, r.scope, r.value)) return false;
    return this.create({ topic: 'restrictions', action: 'create', params: { ...r } }, (w) =>
      w.repos.restrictions.insert(r),
    );
  }

  /** Without a password in the file the user gets a random one nobody sees: they set theirs by password reset. */
  async user(input: SeedUser): Promise<Created> {
    const email = input.email.trim();
    const invalid = [
      ...emailErrors(email),
      ...(input.password ? await passwordErrors(this.d.passwordPolicy, input.password, [email]) : []),
    ];
    if (invalid.length) throw new OperatorRefusal(invalid.join(', '));
    const { repos } = this.d.uow;
    if (await repos.users.findByEmail(email)) return false;
    if (input.uid && (await repos.users.uidTaken(input.uid)))
      throw new OperatorRefusal(`the uid ${input.uid} belongs to another user`);
    const levels = (await repos.levels.list()).filter((l) => l.id >= 1 && l.id <= input.level);
    if (levels.length < input.level)
      throw new OperatorRefusal(`not enough levels in the database for level ${input.level}`);
    const passwordDigest = await this.d.hasher.hash(input.password ?? randomBytes(30).toString('base64'));
    const state = input.state ?? 'pending';
    const params = { email, uid: input.uid, role: input.role, state, level: input.level };
    return this.create({ topic: 'users', action: 'create', targetUid: input.uid, params }, async (w) => {
      const row = { email, passwordDigest, uid: input.uid, role: input.role ?? 'member', state, level: input.level };
      const user = await insertUser(w, this.d.config, row);
      for (const l of levels) await w.repos.labels.insert(user.id, l.key, l.value, 'private');
      const held = adminHold(state); // a seeded ban stays through later label changes, as an admin's does
      if (held) await w.repos.users.update(user.id, { adminState: held });
      return user.uid;
    });
  }

  private async create(record: AdminRecord, write: (w: Work) => Promise<unknown>): Promise<Created> {
    await this.d.uow.run(async (w) => {
      const written = await write(w);
      const targetUid = record.targetUid ?? (typeof written === 'string' ? written : undefined);
      await recordAdminActivity(w, this.actor, { ...record, targetUid });
    });
    return true;
  }
}

/** Barong's permission rules: verb and action in any case (stored upper-case), a path without leading slashes. */
function permissionRow(input: SeedPermission): NewPermission {
  const verb = String(input.verb).toUpperCase();
  const action = String(input.action).toUpperCase();
  const path = String(input.path).trim().replace(/^\/+/, '');
  const role = String(input.role).trim();
  if (!role) throw new OperatorRefusal('a permission without a role');
  if (!includes(PERMISSION_VERBS, verb))
    throw new OperatorRefusal(`verb ${input.verb} is not one of ${PERMISSION_VERBS.join(' ')}`);
  if (!includes(PERMISSION_ACTIONS, action))
    throw new OperatorRefusal(`action ${input.action} is not one of ${PERMISSION_ACTIONS.join(' ')}`);
  if (!path || path.length > 255) throw new OperatorRefusal('a permission path is 1 to 255 characters');
  return { role, verb, path, action, topic: input.topic?.trim() || null };
}

/** The admin API's validation, its error keys turned into the entry's refusal. */
function refusing<T>(validate: () => T): T {
  try {
    return validate();
  } catch (err) {
    if (err instanceof AppError) throw new OperatorRefusal(err.keys.join(', '));
    throw err;
  }
}
