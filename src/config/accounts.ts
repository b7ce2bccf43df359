import { z } from 'zod';
import { defineArea } from './area.js';
import { booleanWord, isTrue, list, str } from './values.js';

export interface AccountSettings {
  app: { name: string; domain: string; uidPrefix: string; firstRegistrationSuperadmin: boolean; kycProvider: 'local' };
  /** Private labels (key → value) a user needs to become active (barong.yml activation_requirements). */
  activationRequirements: Record<string, string>;
  /** Label keys that force a state, in order; later entries win (barong.yml state_triggers). */
  stateTriggers: { state: string; labelKeys: string[] }[];
  /** Titles a user may store data under (barong.yml user_storage_titles); none by default, as in Barong. */
  userStorageTitles: string[];
}

/** "key:value,key:value" → { key: value }. */
function parsePairs(value: string, name: string, problems: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [key, val] = entry.split(':').map((s) => s.trim());
    if (!key || !val) {
      problems.push(`${name}: each entry must be "key:value", comma-separated`);
      return {};
    }
    out[key] = val;
  }
  return out;
}

export const accounts = defineArea({
  title: 'Application and accounts',
  shape: {
    BARONG_APP_NAME: str('Barong').describe('application name (TOTP issuer)'),
    BARONG_DOMAIN: str('openware.com').meta({
      description: 'link prefix in e-mails: set it with its scheme (`https://exchange.example`)',
      values: 'domain or URL',
    }),
    BARONG_UID_PREFIX: z
      .string()
      .regex(/^[A-Za-z]{2,6}$/, 'must be 2 to 6 letters')
      .optional()
      .default('ID')
      .meta({ description: 'prefix of user uids (upper-cased)', values: '2–6 letters' }),
    // Unset: off in production, where the first stranger to sign up must not own the exchange; an operator makes the
    // first superadmin with `npm run cli -- users create-superadmin`. On elsewhere, so a development box has an admin.
    BARONG_FIRST_REGISTRATION_SUPERADMIN: booleanWord().meta({
      description: 'the first user to sign up becomes an active superadmin',
      default: '`false` in production, else `true`',
    }),
    BARONG_KYC_PROVIDER: z
      .enum(['local'])
      .optional()
      .default('local')
      .describe('`local`: admins verify users by labels'),
    BARONG_ACTIVATION_REQUIREMENTS: str('email:verified').meta({
      description: 'private labels a user needs to become active',
      values: '`key:value,…`',
    }),
    BARONG_STATE_TRIGGERS: str('banned:ban|fraud,deleted:delete,locked:suspicious|lock').meta({
      description: 'private label keys that force a state; later entries win',
      values: '`state:key|key,…`',
    }),
    BARONG_USER_STORAGE_TITLES: list('').meta({
      description:
        'titles users may store data under (`POST /resource/data_storage`); with none every title is refused, as in Barong',
      values: 'comma list of titles of at most 64 characters',
      default: '— (none)',
    }),
  },
  read(e, { problems, nodeEnv }): AccountSettings {
    if (e.BARONG_USER_STORAGE_TITLES.some((title) => title.length > 64)) {
      problems.push('BARONG_USER_STORAGE_TITLES: each title must be at most 64 characters');
    }
    const activationRequirements = parsePairs(
      e.BARONG_ACTIVATION_REQUIREMENTS,
      'BARONG_ACTIVATION_REQUIREMENTS',
      problems,
    );
    const stateTriggers = Object.entries(parsePairs(e.BARONG_STATE_TRIGGERS, 'BARONG_STATE_TRIGGERS', problems)).map(
      ([state, keys]) => ({ state, labelKeys: keys.split('|').filter(Boolean) }),
    );
    return {
      app: {
        name: e.BARONG_APP_NAME,
        domain: e.BARONG_DOMAIN,
        uidPrefix: e.BARONG_UID_PREFIX.toUpperCase(),
        firstRegistrationSuperadmin:
          e.BARONG_FIRST_REGISTRATION_SUPERADMIN === undefined
            ? nodeEnv !== 'production'
            : isTrue(e.BARONG_FIRST_REGISTRATION_SUPERADMIN),
        kycProvider: e.BARONG_KYC_PROVIDER,
      },
      activationRequirements,
      stateTriggers,
      userStorageTitles: [...new Set(e.BARONG_USER_STORAGE_TITLES)],
    };
  },
});
