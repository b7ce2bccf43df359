/** `users create-superadmin | set-role | set-state | erase`: accounts changed from the server's shell. */
import { Command } from 'commander';
import { OperatorAccounts } from '../domain/admin/operator-accounts.js';
import { AppError } from '../errors/app-error.js';
import { readSecret } from './prompt.js';
import { CliFailure, line, withServices, type CliEnv } from './runtime.js';

/** BARONG_ADMIN_PASSWORD, else asked twice on the terminal; never shown. */
async function adminPassword(env: CliEnv): Promise<string> {
  const configured = env.config().cli.adminPassword;
  if (configured) return configured;
  if (!env.stdin.isTTY)
    throw new CliFailure('no password: set BARONG_ADMIN_PASSWORD, or run the command on a terminal to be asked');
  const password = await readSecret(env.stdin, env.stderr, 'password: ');
  if (!password) throw new CliFailure('no password given');
  if ((await readSecret(env.stdin, env.stderr, 'password again: ')) !== password)
    throw new CliFailure('the passwords differ');
  return password;
}

export function usersCommands(env: CliEnv): Command {
  const users = new Command('users').description("create the first admin; change a user's role or state; erase a user");

  users
    .command('create-superadmin')
    .summary('create an active superadmin (the first admin)')
    .description(
      'create an active superadmin with a verified e-mail; the password comes from BARONG_ADMIN_PASSWORD or is asked ' +
        'on the terminal (not shown). Refused when the e-mail belongs to a user. Prints the uid.',
    )
    .requiredOption('--email <email>', "the admin's e-mail")
    .action(async ({ email }: { email: string }) => {
      const password = await adminPassword(env);
      const { user, permitted } = await withServices(env, 'users create-superadmin', async (s, actor) => {
        const created = await new OperatorAccounts(s).createSuperadmin(actor, email, password);
        return { user: created, permitted: await s.uow.repos.permissions.roleExists(created.role) };
      });
      line(env.stdout, user.uid);
      line(env.stderr, `superadmin ${user.email} created (uid ${user.uid}, state ${user.state})`);
      // The admin API lets a role through only where a permission names it; a database migrated but not seeded has none.
      if (!permitted)
        line(env.stderr, 'note: no permission names the role superadmin yet: run `npm run db:seed` or `seed --file`');
    });

  users
    .command('set-role')
    .summary("change a user's role")
    .description('give user UID the role R; R must be named by a permission. Prints the role.')
    .requiredOption('--uid <uid>', "the user's uid")
    .requiredOption('--role <role>', 'the new role')
    .action(async ({ uid, role }: { uid: string; role: string }) => {
      const { user, changed } = await withServices(env, 'users set-role', (s, actor) =>
        new OperatorAccounts(s).setRole(actor, uid, role),
      );
      line(env.stdout, user.role);
      line(
        env.stderr,
        changed ? `user ${uid} now has the role ${role}` : `user ${uid} has the role ${role} already: nothing changed`,
      );
    });

  users
    .command('set-state')
    .summary("change a user's state as an admin does")
    .description(
      "set user UID's state as an admin does: a state other than active deactivates their API keys and moves their " +
        'service accounts; one that may not sign in (anything but active and pending) holds over label changes and ' +
        'ends their sessions. Prints the state.',
    )
    .requiredOption('--uid <uid>', "the user's uid")
    .requiredOption('--state <state>', 'e.g. active, banned, locked, deleted')
    .action(async ({ uid, state }: { uid: string; state: string }) => {
      const { user, changed } = await withServices(env, 'users set-state', (s, actor) =>
        new OperatorAccounts(s).setState(actor, uid, state),
      );
      line(env.stdout, user.state);
      line(env.stderr, changed ? `user ${uid} is now ${state}` : `user ${uid} is ${state} already: nothing changed`);
    });

  users
    .command('erase')
    .summary("erase a user's personal data and files, keeping the uid and the audit trail")
    .description(
      "erase user UID's personal data (profiles, phones, documents and their files, data storages, comments, API " +
        'keys, e-mail, username, password, 2FA) and end their sessions; the uid, role, level, labels and activities ' +
        'stay, and the user is `deleted`. Refused while the hold after their last activity lasts ' +
        '(BARONG_ERASURE_HOLD_DAYS). Prints the tombstone e-mail.',
    )
    .argument('<uid>', "the user's uid")
    .action(async (uid: string) => {
      const outcome = await withServices(env, 'users erase', (s, actor) =>
        s.accountErasure.erase(actor, uid).catch((err: unknown) => {
          if (err instanceof AppError && err.keys.includes('admin.user.erasure_on_hold'))
            throw new CliFailure(
              `refused: user ${uid} was active within the last ${env.config().retention.erasureHoldDays} days ` +
                '(BARONG_ERASURE_HOLD_DAYS): their records are still held (admin.user.erasure_on_hold)',
            );
          if (err instanceof AppError && err.keys.includes('admin.user.doesnt_exist'))
            throw new CliFailure(`no user with uid ${uid}`);
          throw err;
        }),
      );
      const { records: r } = outcome;
      line(env.stdout, outcome.user.email);
      line(
        env.stderr,
        `user ${uid} erased: ${r.profiles} profile(s), ${r.phones} phone(s), ${r.documents} document(s) and ` +
          `${outcome.files} file(s), ${r.dataStorages} data storage(s), ${r.comments} comment(s), ${r.apiKeys} API ` +
          `key(s), ${r.serviceAccounts} service account(s) blanked`,
      );
      if (outcome.filesLeft)
        line(env.stderr, `note: ${outcome.filesLeft} file(s) could not be deleted yet; the worker retries them`);
    });

  return users;
}
