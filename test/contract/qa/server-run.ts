/**
 * `npm run test:contract -- --server URL` (settings.ts has the help): fixtures made through the server's API,
 * Dredd with the same hooks (DREDD_MODE=server: documented addresses tagged, server-wide transactions skipped),
 * then every fixture cleaned up, whatever happened before.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as yaml from 'js-yaml';
import { dreddArgs, runDredd, summarize } from '../dredd.js';
import { ServerClient, type Session } from './client.js';
import { cleanUp } from './cleanup.js';
import { FixtureBuilder, type Made } from './fixtures.js';
import { buildFixtureSet } from './fixture-set.js';
import { devInboxSource, hasDevInbox, mailpitSource, startMailboxAdapter, type MailSource } from './mailbox.js';
import { HELP, readSettings, type QaSettings } from './settings.js';

const { UNREACHABLE, SERVER_MODE_UNREACHABLE } = createRequire(import.meta.url)('../unreachable.cjs') as {
  UNREACHABLE: [string, string][];
  SERVER_MODE_UNREACHABLE: [string, string][];
};

/** Every operation of a contract file, as the hooks key them ('POST /management/users'). */
function operations(file: string, prefix: string): string[] {
  const doc = yaml.load(readFileSync(file, 'utf8')) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops)
      .filter((m) => /^(get|post|put|patch|delete)$/.test(m))
      .map((m) => `${m.toUpperCase()} ${prefix}${path}`),
  );
}

async function mailSource(settings: QaSettings): Promise<{ source: MailSource; sms: boolean }> {
  const inbox = await hasDevInbox(settings.server);
  if (settings.mailpit) {
    const mail = mailpitSource(settings.mailpit);
    // Mail from Mailpit; SMS codes still from the dev inbox when this machine may read it.
    return inbox
      ? { source: { ...mail, sms: devInboxSource(settings.server).sms! }, sms: true }
      : { source: mail, sms: false };
  }
  if (!inbox)
    throw new Error(
      `${settings.server}/dev/inbox.json does not answer this machine: name a mail catcher (DREDD_QA_MAILPIT)`,
    );
  return { source: devInboxSource(settings.server), sms: true };
}

async function adminOf(client: ServerClient, settings: QaSettings): Promise<{ session: Session; made: Made }> {
  const { email, password, otpSecret } = settings.admin;
  const session = await client.login(email, password, otpSecret);
  const me = await client.expect(200, 'the superadmin', 'GET', '/resource/users/me', { session });
  if (me.body.role !== 'superadmin') throw new Error(`${email} is ${me.body.role}, not a superadmin`);
  return { session, made: { email, password, uid: me.body.uid, ...(otpSecret ? { otpSecret } : {}) } };
}

export async function serverRun(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    console.log(HELP);
    return 0;
  }
  const settings = readSettings(argv);
  const client = new ServerClient(settings.server, settings.management);
  await client.expect(200, `${settings.server} is not a Barong server`, 'GET', '/identity/ping');
  const mail = await mailSource(settings);
  const admin = await adminOf(client, settings);
  const builder = new FixtureBuilder(client, settings, mail.source, admin.session);
  console.log(`contract: --server ${settings.server}, run tag ${settings.tag}, mail from ${mail.source.name}`);
  try {
    if (!client.hasManagement) {
      const reason = 'no management key given (DREDD_QA_MANAGEMENT_KEY): no service account can be made';
      builder.skip(
        operations('openapi/management.yaml', '/management'),
        'no management key given (DREDD_QA_MANAGEMENT_KEY)',
      );
      builder.skip(
        operations('openapi/barong.yaml', '').filter((k) => k.includes('/resource/service_accounts')),
        reason,
      );
    }
    if (!mail.sms)
      builder.skip(
        ['POST /resource/phones/verify 201', 'POST /resource/phones/verify 400'],
        'needs the SMS code: only the development inbox (BARONG_PHONE_VERIFICATION=mock) shows it to the runner',
      );
    // Without a tenant (or its JWKS out of reach) every Auth0 login is a 422 (auth0-login-service.ts), never a 401.
    const auth0 = await client.call('POST', '/identity/sessions/auth0', { form: { id_token: 'a.b.c' } });
    if (auth0.status === 422)
      builder.skip(
        ['POST /identity/sessions/auth0 401'],
        'the server has no Auth0 tenant (BARONG_AUTH0_*): it answers 422',
      );
    if (await builder.erasureHeld())
      builder.skip(
        ['POST /admin/users/erase 200', 'POST /identity/users/password/confirm_code 404'],
        'the server holds erasures of new users (BARONG_ERASURE_HOLD_DAYS)',
      );
    const fixtures = await buildFixtureSet(builder, admin.made, client.hasManagement);
    console.log(`contract: ${builder.users.length} fixture users made through the API`);
    await builder.waitForDreddLogins();
    const adapter = await startMailboxAdapter(mail.source);
    try {
      const m = settings.management;
      const dredd = await runDredd(dreddArgs(settings.server), {
        ...process.env,
        DREDD_MODE: 'server',
        DREDD_SERVER: settings.server,
        DREDD_MAILBOX: adapter.url,
        DREDD_TWILIO: adapter.url,
        DREDD_FIXTURES: JSON.stringify(fixtures),
        DREDD_MANAGEMENT_KEYS: JSON.stringify(
          m ? { applogic: { algorithm: m.algorithm, pem: m.pem, kid: m.signer } } : {},
        ),
        DREDD_RUN_TAG: settings.tag,
        DREDD_EMAIL_DOMAIN: settings.emailDomain,
        DREDD_PHONE_AREA: settings.phoneArea,
        DREDD_SKIPS: JSON.stringify(builder.skips),
      });
      return summarize(dredd, {
        only: process.env.DREDD_ONLY,
        goal: false,
        tables: [
          ['documented answers that cannot be produced from outside (test/contract/unreachable.cjs)', UNREACHABLE],
          ['not made on a server QA runs (unreachable.cjs, SERVER_MODE_UNREACHABLE)', SERVER_MODE_UNREACHABLE],
          ["shut out by this server's configuration", builder.skips],
        ],
      });
    } finally {
      await adapter.close();
    }
  } finally {
    console.log('\ncontract: clean-up');
    const lines = await cleanUp(client, admin.session, builder.users, (name) => builder.email(name));
    for (const line of lines) console.log(line);
  }
}
