import { defineArea } from './area.js';
import { optional } from './values.js';

export interface CliSettings {
  cli: {
    /** The password `users create-superadmin` gives the new admin, for scripts; a terminal is asked otherwise. */
    adminPassword: string | undefined;
  };
}

export const cli = defineArea({
  title: 'Operator CLI',
  secrets: ['BARONG_ADMIN_PASSWORD'],
  shape: {
    BARONG_ADMIN_PASSWORD: optional.meta({
      description:
        '`npm run cli -- users create-superadmin` gives the new superadmin this password instead of asking for it (for scripts; unset it afterwards)',
      values: 'a password the password policy accepts',
      default: '— (the command asks on the terminal)',
    }),
  },
  read: (e): CliSettings => ({ cli: { adminPassword: e.BARONG_ADMIN_PASSWORD } }),
});
