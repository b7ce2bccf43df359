/**
 * Seeds a database from a file in Barong's config/seeds.yml format: levels, then permissions, restrictions and
 * users (a user's level needs its levels). Entries already there are left as they are, so running the same file
 * again changes nothing; an entry that cannot be made is reported and the rest go on, as Barong's seed does for
 * users. Once done, every API process reloads the permissions and restrictions that were added.
 */
import type { PolicyPart } from '../authz/authz-policy.js';
import type { PolicyChanges } from '../authz/policy-invalidation.js';
import type { CliActor } from './admin-actor.js';
import { OperatorRefusal } from './operator-accounts.js';
import {
  SeedItems,
  type SeedItemsDeps,
  type SeedLevel,
  type SeedPermission,
  type SeedRestriction,
  type SeedUser,
} from './seed-items.js';

export interface Seeds {
  levels: SeedLevel[];
  permissions: SeedPermission[];
  restrictions: SeedRestriction[];
  users: SeedUser[];
}

export type SeedSection = keyof Seeds;
export const SEED_SECTIONS: readonly SeedSection[] = ['levels', 'permissions', 'restrictions', 'users'];

export interface SeedFailure {
  section: SeedSection;
  /** 1-based position of the entry in its section. */
  position: number;
  reason: string;
}

export interface SeedSummary {
  created: Record<SeedSection, number>;
  existing: Record<SeedSection, number>;
  failures: SeedFailure[];
}

/** Called after each entry: how many are done of how many, and in which section. */
export type SeedProgress = (done: number, total: number, section: SeedSection) => void;

const zero = (): Record<SeedSection, number> => ({ levels: 0, permissions: 0, restrictions: 0, users: 0 });

export class Seeder {
  constructor(private readonly d: SeedItemsDeps & { policy: PolicyChanges }) {}

  async run(actor: CliActor, seeds: Seeds, progress: SeedProgress = () => {}): Promise<SeedSummary> {
    const items = new SeedItems(this.d, actor);
    const entries = (section: SeedSection, make: (position: number) => Promise<boolean>) =>
      seeds[section].map((_, i) => ({ section, position: i + 1, make: () => make(i + 1) }));
    const work = [
      ...entries('levels', (p) => items.level(seeds.levels[p - 1]!, p)),
      ...entries('permissions', (p) => items.permission(seeds.permissions[p - 1]!)),
      ...entries('restrictions', (p) => items.restriction(seeds.restrictions[p - 1]!)),
      ...entries('users', (p) => items.user(seeds.users[p - 1]!)),
    ];
    const summary: SeedSummary = { created: zero(), existing: zero(), failures: [] };
    for (const [index, { section, position, make }] of work.entries()) {
      try {
        summary[(await make()) ? 'created' : 'existing'][section] += 1;
      } catch (err) {
        if (!(err instanceof OperatorRefusal)) throw err;
        summary.failures.push({ section, position, reason: err.message });
      }
      progress(index + 1, work.length, section);
    }
    const changed = (['permissions', 'restrictions'] as const).filter((part: PolicyPart) => summary.created[part] > 0);
    if (changed.length) await this.d.policy.changed(changed);
    return summary;
  }
}
