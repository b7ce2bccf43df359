/** `keys rotate | list | public-key`: the server's JWT signing keys (docs/operations.md, "Rotating the signing key"). */
import { Command } from 'commander';
import { KeyRotation, KeyRotationRefused } from '../domain/keys/key-rotation.js';
import type { KeyState } from '../domain/keys/key-ring.js';
import { CliFailure, line, withServices, type CliEnv } from './runtime.js';
import { wholeNumber } from './whole-number.js';

const DEFAULT_ACTIVATE_IN = 600;

const refusal = (err: unknown): never => {
  throw err instanceof KeyRotationRefused ? new CliFailure(err.message) : err;
};

const when = (at: Date | null | undefined) => at?.toISOString() ?? '-';

/** The key a pinning service should take next: the one waiting to sign, else the signing one. */
const newest = (states: KeyState[]) =>
  states.find((k) => k.state === 'waiting') ?? states.find((k) => k.state === 'signing');

export function keysCommands(env: CliEnv): Command {
  const keys = new Command('keys').description(
    "the server's JWT signing keys: rotate them, list them, print a public key",
  );

  keys
    .command('rotate')
    .summary('make a new signing key; the old one stays published until its tokens have expired')
    .description(
      'make a new signing key of BARONG_JWT_ALGORITHM, stored in the database (its private half encrypted) for every ' +
        'API and worker process. It is published in the JWKS at once and signs after --activate-in seconds; the key it ' +
        'replaces stays published until BARONG_JWT_EXPIRE_TIME after that. Prints the new kid.',
    )
    .option(
      '--activate-in <seconds>',
      'seconds until the new key signs (at least BARONG_JWT_KEYS_REFRESH_INTERVAL)',
      wholeNumber(0),
      DEFAULT_ACTIVATE_IN,
    )
    .action(async ({ activateIn }: { activateIn: number }) => {
      const rotation = await withServices(env, 'keys rotate', (s, actor) =>
        new KeyRotation(s).rotate(actor, activateIn),
      ).catch(refusal);
      line(env.stdout, rotation.kid);
      line(
        env.stderr,
        `new ${rotation.alg} key ${rotation.kid}: published now, signs from ${when(rotation.activatesAt)}`,
      );
      line(
        env.stderr,
        `${rotation.previous.kid} signs until then and stays published until ${when(rotation.previous.retiresAt)}`,
      );
      line(env.stderr, `services that pin the public key take: npm run cli -- keys public-key --kid ${rotation.kid}`);
    });

  keys
    .command('list')
    .summary('every key: kid, algorithm, state, where it comes from, when it signs and retires')
    .description(
      'one key a line, tab-separated: kid, algorithm, state (signing, waiting, published, retired), source (configured or stored), activates at, retires at.',
    )
    .action(async () => {
      const states = await withServices(env, 'keys list', async (s) => {
        await s.jwtKeys.refresh();
        return s.jwtKeys.states();
      });
      for (const k of states)
        line(env.stdout, [k.kid, k.alg, k.state, k.source, when(k.activatesAt), when(k.retiresAt)].join('\t'));
    });

  keys
    .command('public-key')
    .summary("print a key's public half, as base64 of its PEM (what Peatio's and ranger's JWT_PUBLIC_KEY take)")
    .option('--kid <kid>', 'the key (default: the key waiting to sign, else the signing key)')
    .option('--pem', 'the PEM itself instead of its base64')
    .action(async ({ kid, pem }: { kid?: string; pem?: boolean }) => {
      const key = await withServices(env, 'keys public-key', async (s) => {
        await s.jwtKeys.refresh();
        const wanted = kid ?? newest(s.jwtKeys.states())?.kid;
        return s.jwtKeys.verificationKeys.find((k) => k.kid === wanted);
      });
      if (!key) throw new CliFailure(`no published key has the kid ${kid}`);
      const text = key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
      line(env.stdout, pem ? text.trimEnd() : Buffer.from(text).toString('base64'));
    });

  return keys;
}
