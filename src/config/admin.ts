import { readFileSync } from 'node:fs';
import * as yaml from 'js-yaml';
import { defineArea } from './area.js';
import { bool, list, optional } from './values.js';
import { z } from 'zod';

/**
 * Barong's abilities file: `admin_permissions` maps a role to CanCan actions (`read`, `create`, `update`, `destroy`,
 * or `manage` for all of them) and each action to subjects (Barong's model names, or `all`).
 */
export const ABILITY_ACTIONS = ['read', 'create', 'update', 'destroy', 'manage'] as const;
export type AbilityAction = (typeof ABILITY_ACTIONS)[number];

/**
 * The subjects Barong 2.6.49's admin API checks, plus `Ability` (GET /abilities) as later Barong versions do, and
 * `PersonalData` (a user's erasure, not in Barong), which the bundled file gives the superadmin only, and
 * `Queue`: the queue dashboard at /admin/queues (src/api/queue-board/), ours alone.
 */
export const ABILITY_SUBJECTS = [
  'User',
  'Label',
  'Level',
  'Profile',
  'Document',
  'Activity',
  'APIKey',
  'Permission',
  'Restriction',
  'Ability',
  'PersonalData',
  'Queue',
] as const;
export type AbilitySubject = (typeof ABILITY_SUBJECTS)[number];

export const abilitiesFileSchema = z.object({
  roles: z.array(z.string()).optional(),
  admin_permissions: z.record(z.string(), z.partialRecord(z.enum(ABILITY_ACTIONS), z.array(z.string())).nullable()),
});

export type AbilitiesFile = z.infer<typeof abilitiesFileSchema>;

const READ_AND_MANAGE_ALL: Partial<Record<AbilityAction, string[]>> = { manage: [...ABILITY_SUBJECTS] };

/**
 * Barong's bundled roles, with `Ability` for each so every admin may read what it may do. Only superadmin manages
 * `Queue` (the dashboard shows and retries every user's mail and SMS jobs).
 */
export const DEFAULT_ABILITIES: AbilitiesFile = {
  roles: ['superadmin', 'admin', 'technical', 'accountant', 'compliance', 'support'],
  admin_permissions: {
    superadmin: READ_AND_MANAGE_ALL,
    admin: {
      read: ['Activity', 'Permission'],
      manage: ['Ability', 'User', 'Level', 'Label', 'Profile', 'APIKey', 'Restriction', 'Document'],
    },
    technical: {
      read: ['Ability', 'User', 'Level', 'Label', 'Profile', 'Activity'],
      manage: ['APIKey', 'Restriction'],
    },
    accountant: { read: ['Ability', 'User', 'Level', 'Label', 'Profile', 'Activity'] },
    compliance: { read: ['Ability', 'Document'], manage: ['User', 'Level', 'Label', 'Profile'] },
    support: { read: ['Ability', 'Label', 'Level', 'Profile', 'Activity'], manage: ['User'] },
  },
};

/** Subjects a file names that no admin operation checks: reported at start, so a typo does not silently grant nothing. */
export function unknownSubjects(file: AbilitiesFile): string[] {
  const known = new Set<string>([...ABILITY_SUBJECTS, 'all']);
  const named = Object.values(file.admin_permissions).flatMap((rules) => Object.values(rules ?? {}).flat());
  return [...new Set(named.filter((s) => !known.has(s)))];
}

export interface AdminSettings {
  admin: {
    /** Barong's config/abilities.yml: what each admin role may do; the bundled roles when no file is given. */
    abilities: AbilitiesFile;
    /** Subjects the abilities file names that no operation checks (logged at start). */
    unknownAbilitySubjects: string[];
    /** A profile an admin created needs a second admin to verify it (barong.yml profile_double_verification). */
    profileDoubleVerification: boolean;
    /** Roles exempt from that rule (barong.yml profile_verification_roles). */
    profileVerificationRoles: string[];
    /** The queue dashboard at /admin/queues, for roles with the `Queue` ability. */
    queueBoard: boolean;
  };
}

function readAbilities(file: string | undefined, problems: string[]): AbilitiesFile {
  if (!file) return DEFAULT_ABILITIES;
  try {
    const parsed = abilitiesFileSchema.safeParse(yaml.load(readFileSync(file, 'utf8')));
    if (parsed.success) return parsed.data;
    problems.push(
      `BARONG_ABILITIES_FILE: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  } catch (err) {
    problems.push(`BARONG_ABILITIES_FILE: cannot read ${file} (${(err as Error).message})`);
  }
  return DEFAULT_ABILITIES;
}

export const admin = defineArea({
  title: 'Admin API',
  shape: {
    BARONG_ABILITIES_FILE: optional.meta({
      description:
        "what each admin role may do, in Barong's config/abilities.yml format (`admin_permissions: {role: {read|create|update|destroy|manage: [Subject…]}}`)",
      values: 'path to a YAML file',
      default: "— (Barong's roles: superadmin, admin, technical, accountant, compliance, support)",
    }),
    BARONG_PROFILE_DOUBLE_VERIFICATION: bool(false).describe(
      'an admin may not verify a profile they created themselves unless their role is a verification role',
    ),
    BARONG_PROFILE_VERIFICATION_ROLES: list('').meta({
      description: 'roles that may verify a profile they created (with double verification on)',
      values: 'comma list of roles',
      default: '— (none)',
    }),
    BARONG_QUEUE_BOARD: bool(true).describe(
      'serve the queue dashboard (Bull Board) at /admin/queues to roles with the `Queue` ability (bundled: superadmin)',
    ),
  },
  read(e, { problems }): AdminSettings {
    const abilities = readAbilities(e.BARONG_ABILITIES_FILE, problems);
    return {
      admin: {
        abilities,
        unknownAbilitySubjects: unknownSubjects(abilities),
        profileDoubleVerification: e.BARONG_PROFILE_DOUBLE_VERIFICATION,
        profileVerificationRoles: e.BARONG_PROFILE_VERIFICATION_ROLES,
        queueBoard: e.BARONG_QUEUE_BOARD,
      },
    };
  },
});
