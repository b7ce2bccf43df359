/**
 * What each admin role may do in the admin API: Barong's abilities file (config/abilities.yml, CanCan rules), read
 * and checked with the configuration (src/config/admin.ts). A role the file does not name may do nothing.
 */
import type { AbilitiesFile, AbilityAction, AbilitySubject } from '../../config/index.js';

export type { AbilityAction, AbilitySubject } from '../../config/index.js';

export interface Ability {
  action: Exclude<AbilityAction, 'manage'>;
  subject: AbilitySubject;
}

export type RoleAbilities = Partial<Record<AbilityAction, string[]>>;

export class Abilities {
  private readonly byRole: ReadonlyMap<string, RoleAbilities>;

  constructor(file: AbilitiesFile) {
    this.byRole = new Map(Object.entries(file.admin_permissions).map(([role, rules]) => [role, rules ?? {}]));
  }

  /** CanCan: `manage` grants every action; a subject `all` matches every subject. */
  can(role: string, { action, subject }: Ability): boolean {
    const rules = this.byRole.get(role);
    if (!rules) return false;
    const grants = (list: string[] | undefined) => !!list && (list.includes(subject) || list.includes('all'));
    return grants(rules.manage) || grants(rules[action]);
  }

  /** The caller role's rules as the file gives them (GET /admin/abilities); `{}` for a role it does not name. */
  of(role: string): RoleAbilities {
    return this.byRole.get(role) ?? {};
  }
}
