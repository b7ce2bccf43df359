/** `users create-superadmin | set-role | set-state`: accounts changed from the server's shell. */
import { Command } from 'commander';
import { OperatorAccounts } from '../domain/admin/operator-accounts.js';
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
  const users = new Command('users').description("create the first admin; change a user's role or state");

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

  return users;
}
