/**
 * `whitelink issue` and `service-accounts create`: what operators handed out with one-off scripts before the CLI
 * (`npm run whitelink` and `npm run service-account` still run them).
 */
import { Command, InvalidArgumentError } from 'commander';
import { recordAdminActivity } from '../domain/admin/admin-actor.js';
import { ServiceAccountService } from '../domain/service-accounts/service-account-service.js';
import { CliFailure, line, withServices, type CliEnv } from './runtime.js';

function hours(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('a positive number of hours, e.g. 1 or 0.25');
  return n;
}

export function whitelinkCommands(env: CliEnv): Command {
  const whitelink = new Command('whitelink').description('tokens that whitelist the IP of whoever redeems them');
  whitelink
    .command('issue')
    .summary('issue a whitelink token')
    .description(
      'issue a whitelink token: whoever sends it to POST /api/v2/barong/identity/users/access while it lives gets ' +
        'their IP whitelisted. Prints the token alone (TOKEN=$(…) works); its lifetime goes to stderr.',
    )
    .option('--hours <n>', 'lifetime in hours; fractions allowed', hours, 1)
    .action(async ({ hours: h }: { hours: number }) => {
      const ttlSeconds = Math.max(1, Math.round(h * 3600));
      // The record commits only once the token is stored: no record of a token that was never issued.
      const token = await withServices(env, 'whitelink issue', (s, actor) =>
        s.uow.run(async (w) => {
          await recordAdminActivity(w, actor, {
            topic: 'restrictions',
            action: 'create',
            params: { whitelink_seconds: ttlSeconds },
          });
          return s.whitelink.issue(ttlSeconds);
        }),
      );
      line(env.stdout, token);
      const until = new Date(Date.now() + ttlSeconds * 1000).toISOString();
      line(env.stderr, `whitelink token valid for ${ttlSeconds} s, until ${until}`);
    });
  return whitelink;
}

export function serviceAccountsCommands(env: CliEnv): Command {
  const accounts = new Command('service-accounts').description(
    "machine identities acting through their owner's API keys",
  );
  accounts
    .command('create')
    .summary('create a service account for a user')
    .description(
      "create a service account for OWNER, with the owner's state and level; the owner then manages its API keys " +
        'through /resource/service_accounts/api_keys with their 2FA. Prints the uid alone (SA=$(…) works).',
    )
    .requiredOption('--owner <uid or e-mail>', 'the owning user')
    .option('--role <role>', "the account's role", 'service_account')
    .option('--email <email>', "the account's e-mail (default: the owner's, tagged with the uid)")
    .action(async (o: { owner: string; role: string; email?: string }) => {
      const account = await withServices(env, 'service-accounts create', async (s, actor) => {
        const { users } = s.uow.repos;
        const owner = o.owner.includes('@') ? await users.findByEmail(o.owner) : await users.findByUid(o.owner);
        if (!owner) throw new CliFailure(`no user ${o.owner}`);
        return new ServiceAccountService(s.uow).create(owner, { role: o.role, email: o.email }, actor);
      });
      line(env.stdout, account.uid);
    });
  return accounts;
}
