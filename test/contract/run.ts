/**
 * `npm run test:contract`: Dredd against the hand-edited Swagger 2.0 contracts (openapi/barong.yaml, openapi/admin.yaml).
 *
 * Starts, on loopback: a fresh migrated and seeded database with fixture users, an SMTP catcher with a small
 * mailbox API (so hooks can follow links from real mails), an Auth0 tenant stand-in, a Twilio stand-in (phone
 * codes, read back by the hooks), and the server itself (`jobs/main.ts --with-api`: the API with the mail and SMS
 * workers, as `npm start` runs them) with NODE_ENV=test, so it
 * also validates its own responses. Then runs Dredd with every hooks file in test/contract/hooks/.
 */
import { spawn } from 'node:child_process';
import { dreddArgs, runDredd, summarize } from './dredd.js';
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { generateSecret } from 'otplib';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/lib/logger.js';
import { createServices } from '../../src/compose.js';
import { newUid } from '../../src/domain/accounts/uid.js';
import { createTestDatabase } from '../support/database.js';
import { startSmtpCatcher, type SmtpCatcher } from '../support/smtp.js';
import { startAuth0Tenant } from '../support/stand-ins.js';
import { startTwilioStandIn, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, TEST_SERVICE_SID } from '../support/twilio-stand-in.js';
import { createKeysFixtures } from './keys-fixtures.js';
import { createManagementAccountsFixtures } from './management-accounts-fixtures.js';
import { managementKeys } from '../support/management-client.js';
import { createRequire } from 'node:module';

// The hooks (CommonJS, run by Dredd) skip what this table names; the runner prints it with the counts.
const { UNREACHABLE } = createRequire(import.meta.url)('./unreachable.cjs') as { UNREACHABLE: [string, string][] };
import { freePort, waitForHealth } from '../support/processes.js';

const PASSWORD = 'Dr3dd-Fixture!Secret';
// The password documented in openapi/barong.yaml (deleteMe's `password`, changePassword's `old_password`).
const DOCUMENTED_PASSWORD = 'Dr3dd-Secret!Pass';

/** GET /mail?to=<address>&subject=<regexp>&n=<k>: the k-th matching mail to that address, waiting up to 10 s. */
async function startMailbox(smtp: SmtpCatcher): Promise<{ url: string; server: Server }> {
  const server = createHttpServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://mailbox');
    const to = url.searchParams.get('to') ?? '';
    const n = Number(url.searchParams.get('n') ?? '1');
    const subject = new RegExp(url.searchParams.get('subject') ?? '', 'i');
    const matches = (m: SmtpCatcher['inbox'][number]) =>
      (m.to && !Array.isArray(m.to) ? m.to.text : '').includes(to) && subject.test(m.subject ?? '');
    try {
      await smtp.waitFor(() => smtp.inbox.filter(matches).length >= n, 10_000);
      const mail = smtp.inbox.filter(matches)[n - 1]!;
      res
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ subject: mail.subject, text: mail.text }));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

/** Users and tokens the hooks act with, made through the app's own services. */
async function createFixtures(env: NodeJS.ProcessEnv, idToken: string) {
  const services = await createServices(loadConfig(env), createLogger('silent'));
  try {
    const { uow, hasher, privateLabels, encryptor } = services;
    const passwordDigest = await hasher.hash(PASSWORD);
    const documentedDigest = await hasher.hash(DOCUMENTED_PASSWORD);
    const make = (email: string, role = 'member', digest = passwordDigest) =>
      uow.run(async (w) => {
        const uid = await newUid(w.repos, services.config.app.uidPrefix);
        const user = await w.repos.users.insert({
          uid,
          email,
          passwordDigest: digest,
          role,
          state: 'pending',
          level: 0,
        });
        return privateLabels.set(w, user, 'email', 'verified');
      });
    const admin = await make('dredd.admin@example.com', 'superadmin');
    const member = await make('dredd.member@example.com');
    const reset = await make('dredd.reset@example.com');
    const twofa = await make('dredd.2fa@example.com');
    const otpSecret = generateSecret();
    // --- management users and labels (hooks/management-users.cjs, management-labels.cjs): the users they name ---
    const managed = await make('dredd.management-user@example.com');
    const labelled = await make('dredd.management-labels@example.com');
    // --- end of management users and labels ---
    // Phones (hooks/phones.cjs): one adds the documented number, one resends to it, one never has a phone.
    const phones = await make('dredd.phones@example.com');
    const phonesResend = await make('dredd.phones-resend@example.com');
    const phonesNone = await make('dredd.phones-none@example.com');
    const phonesLimited = await make('dredd.phones-limited@example.com'); // spends its code budget (429)
    const phonesFailed = await make('dredd.phones-failed@example.com'); // its first code is never delivered (verify 422)
    // --- admin users (hooks/admin-users.cjs): one listed and read (a US profile), one waiting for a document review
    // at level 2, and one per transaction that changes a user ---
    const usersTarget = await make('dredd.users-target@example.com');
    await services.profiles.create(usersTarget, {
      first_name: 'John',
      last_name: 'Doe',
      dob: '1990-01-15',
      country: 'US',
    });
    const usersPending = await make('dredd.users-pending@example.com');
    await services.profiles.create(usersPending, { first_name: 'Jane', last_name: 'Roe', country: 'US' });
    await uow.run(async (w) => {
      const verified = await privateLabels.set(w, usersPending, 'phone', 'verified', { by: 'admin' });
      await privateLabels.set(w, verified, 'document', 'pending', { by: 'admin' });
    });
    const usersBan = await make('dredd.users-ban@example.com');
    const usersLock = await make('dredd.users-lock@example.com');
    const usersRole = await make('dredd.users-role@example.com');
    const usersErase = await make('dredd.users-erase@example.com'); // erased (the hold is off for the contract run)
    const usersFixture = (u: { uid: string; email: string }) => ({ uid: u.uid, email: u.email, password: PASSWORD });
    // --- end of admin users ---
    // Account fixtures (hooks/account.cjs): one deletes itself, one changes its password; both use the documented password.
    const deletable = await make('dredd.deletable@example.com', 'member', documentedDigest);
    const pwchange = await make('dredd.pwchange@example.com', 'member', documentedDigest);
    // --- password reset of an erased user (hooks/identity.cjs): asks for a reset link, then the admin erases it ---
    const resetErased = await make('dredd.reset-erased@example.com');
    // --- end of password reset of an erased user ---
    // --- admin access (hooks/admin-access.cjs): an accountant the admin API refuses; permission and restriction
    // rows of their own to change and delete, so the documented ids of the seeded rows are never touched.
    const accessAccountant = await make('dredd.access-accountant@example.com', 'accountant');
    const permission = (path: string) =>
      uow.repos.permissions.insert({ role: 'compliance', verb: 'GET', path, action: 'ACCEPT', topic: null });
    const restriction = (value: string) =>
      uow.repos.restrictions.insert({ category: 'blacklist', scope: 'ip', value, state: 'disabled' });
    const access = {
      permissionUpdate: await permission('api/v2/dredd/update'),
      permissionDelete: await permission('api/v2/dredd/delete'),
      restrictionUpdate: await restriction('198.51.100.90'),
      restrictionTaken: await restriction('198.51.100.91'),
      restrictionDelete: await restriction('198.51.100.92'),
    };
    // --- end of admin access
    // KYC fixtures (hooks/kyc.cjs): one with a drafted profile, one without any, one at the document limit.
    const kyc = await make('dredd.kyc@example.com');
    const kycNone = await make('dredd.kyc-none@example.com');
    const kycFull = await make('dredd.kyc-full@example.com');
    // --- Admin labels (hooks/admin-labels.cjs): one user a transaction; edit and delete find `document: pending`.
    const labelsAdd = await make('dredd.labels-add@example.com');
    const labelsUpsert = await make('dredd.labels-upsert@example.com');
    const labelsEdit = await make('dredd.labels-edit@example.com');
    const labelsDelete = await make('dredd.labels-delete@example.com');
    for (const user of [labelsEdit, labelsDelete])
      await uow.run((w) => privateLabels.set(w, user, 'document', 'pending'));
    // --- end of admin labels
    await uow.repos.users.update(twofa.id, { otp: true, otpSecretEncrypted: encryptor.encrypt(otpSecret) });
    // --- a user imported from Barong whose codes Vault checks; the run's Vault is down (login's 503, identity.cjs)
    const vaultUser = await make('dredd.vault-2fa@example.com');
    await uow.repos.users.update(vaultUser.id, { otp: true, otpVaultKey: `barong_${vaultUser.uid}` });
    // --- admin records (hooks/admin-records.cjs): a member with a data storage record and an API key ---
    const records = await make('dredd.records@example.com');
    await uow.repos.dataStorages.insert(records.id, 'personal', '{"language":"en"}');
    await uow.repos.apiKeys.insert(
      { type: 'User', id: records.id },
      {
        kid: randomBytes(8).toString('hex'),
        algorithm: 'HS256',
        scope: ['read', 'trade'],
        secretEncrypted: encryptor.encrypt('dredd-records-secret'),
        state: 'active',
      },
    );
    // --- end of admin records ---
    // --- admin KYC (hooks/admin-kyc.cjs): a submitted profile to decide on; a user with no profile to open one for ---
    const profileReview = await make('dredd.profile-review@example.com');
    await services.profiles.create(profileReview, { city: 'Lisbon', confirm: true });
    const profileNew = await make('dredd.profile-new@example.com');
    // --- end of admin KYC ---
    return {
      admin: { email: admin.email, uid: admin.uid, password: PASSWORD },
      member: { email: member.email, uid: member.uid, password: PASSWORD },
      reset: { email: reset.email, uid: reset.uid, password: PASSWORD },
      twofa: { email: twofa.email, uid: twofa.uid, password: PASSWORD, otpSecret },
      vaultUser: { email: vaultUser.email, password: PASSWORD },
      managed: { email: managed.email, uid: managed.uid, password: PASSWORD }, // management users
      labelled: { email: labelled.email, uid: labelled.uid, password: PASSWORD }, // management labels
      deletable: { email: deletable.email, uid: deletable.uid, password: DOCUMENTED_PASSWORD },
      pwchange: { email: pwchange.email, uid: pwchange.uid, password: DOCUMENTED_PASSWORD },
      resetErased: { email: resetErased.email, uid: resetErased.uid, password: PASSWORD },
      kyc: { email: kyc.email, uid: kyc.uid, password: PASSWORD },
      kycNone: { email: kycNone.email, uid: kycNone.uid, password: PASSWORD },
      kycFull: { email: kycFull.email, uid: kycFull.uid, password: PASSWORD },
      records: { email: records.email, uid: records.uid, password: PASSWORD },
      profileReview: { email: profileReview.email, uid: profileReview.uid, password: PASSWORD },
      profileNew: { email: profileNew.email, uid: profileNew.uid, password: PASSWORD },
      whitelinkToken: await services.whitelink.issue(3600),
      auth0IdToken: idToken,
      accessAccountant: { email: accessAccountant.email, uid: accessAccountant.uid, password: PASSWORD },
      access,
      phones: { email: phones.email, uid: phones.uid, password: PASSWORD },
      phonesNone: { email: phonesNone.email, uid: phonesNone.uid, password: PASSWORD },
      phonesResend: { email: phonesResend.email, uid: phonesResend.uid, password: PASSWORD },
      phonesLimited: { email: phonesLimited.email, uid: phonesLimited.uid, password: PASSWORD },
      phonesFailed: { email: phonesFailed.email, uid: phonesFailed.uid, password: PASSWORD },
      usersTarget: usersFixture(usersTarget),
      usersPending: usersFixture(usersPending),
      usersBan: usersFixture(usersBan),
      usersLock: usersFixture(usersLock),
      usersRole: usersFixture(usersRole),
      usersErase: usersFixture(usersErase),
      labels: { add: labelsAdd.uid, upsert: labelsUpsert.uid, edit: labelsEdit.uid, delete: labelsDelete.uid }, // admin labels
      // TOTP, API keys and service accounts (hooks/keys.cjs): one user per code-spending transaction.
      ...(await createKeysFixtures(services, PASSWORD)),
      // Management phones, documents, service accounts, API keys, otp/sign (hooks/management-accounts.cjs).
      ...(await createManagementAccountsFixtures(services, passwordDigest)),
    };
  } finally {
    await services.close();
  }
}

async function main(): Promise<number> {
  const db = await createTestDatabase();
  await db.knex.destroy();
  // Uploaded KYC files of this run (hooks/kyc.cjs), removed at the end.
  const uploads = await mkdtemp(path.join(tmpdir(), 'barong-contract-uploads-'));
  const smtp = await startSmtpCatcher();
  const mailbox = await startMailbox(smtp);
  const tenant = await startAuth0Tenant('dredd-auth0-client');
  // Phones (hooks/phones.cjs): the worker sends codes through the real twilio client to this stand-in.
  const twilio = await startTwilioStandIn();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // The management API (hooks: 00-common.cjs signs each request with these test keys).
  const management = managementKeys();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_NAME: db.name,
    BARONG_REDIS_PREFIX: `contract:${db.name}:`,
    BARONG_DEV_KEY_PATH: '.dev/test-rsa-key.pem',
    BARONG_DOMAIN: 'https://exchange.test',
    BARONG_SMTP_HOST: '127.0.0.1',
    BARONG_SMTP_PORT: String(smtp.port),
    BARONG_AUTH0_ISSUER_URL: tenant.issuer,
    BARONG_AUTH0_CLIENT_ID: 'dredd-auth0-client',
    BARONG_ARGON2_MEMORY_COST: '1024',
    BARONG_ARGON2_TIME_COST: '1',
    BARONG_PHONE_VERIFICATION: 'twilio_sms',
    BARONG_TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID,
    BARONG_TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN,
    BARONG_TWILIO_SERVICE_SID: TEST_SERVICE_SID,
    BARONG_TWILIO_API_BASE: twilio.url,
    BARONG_STORAGE_LOCAL_PATH: uploads,
    // The documented data storage title (hooks/account.cjs).
    BARONG_USER_STORAGE_TITLES: 'personal',
    // POST /admin/users/erase (hooks/admin-users.cjs) erases a fixture made a moment ago: no anti-money-laundering hold.
    BARONG_ERASURE_HOLD_DAYS: '0',
    // Barong's Vault, down: imported users' codes are refused with 503 (POST /identity/sessions, hooks/identity.cjs).
    // Nothing listens on port 9 (discard) on loopback here; the check fails at once and closed.
    BARONG_VAULT_ADDRESS: 'http://127.0.0.1:9',
    BARONG_VAULT_TOKEN: 'dredd-vault-token',
    BARONG_MANAGEMENT_API_CONFIG: management.file,
    // Management API keys (hooks/management-accounts.cjs): both kinds on, as an exchange that uses them runs.
    BARONG_MGN_API_KEYS_USER: 'true',
    BARONG_MGN_API_KEYS_SA: 'true',
    // Per-IP limits of sign-ups and password checks: room for every transaction from loopback, and small enough
    // for the 429 hooks (identity.cjs, general.cjs) to spend them as another client (X-Forwarded-For: loopback is
    // a trusted proxy).
    BARONG_SIGNUP_MAX_PER_IP: '40',
    BARONG_PASSWORD_VALIDATE_MAX_PER_IP: '40',
  };
  const idToken = await tenant.sign({ email: 'dredd.auth0@example.com', email_verified: true });
  const fixtures = await createFixtures(env, idToken);
  const server = spawn(process.execPath, ['--import', 'tsx', 'jobs/main.ts', '--with-api'], { stdio: 'inherit', env });
  try {
    await waitForHealth(`${base}/healthz`, server);
    const dredd = await runDredd(dreddArgs(base), {
      ...env,
      DREDD_SERVER: base,
      DREDD_MAILBOX: mailbox.url,
      DREDD_TWILIO: twilio.url,
      DREDD_FIXTURES: JSON.stringify(fixtures),
      DREDD_MANAGEMENT_KEYS: JSON.stringify(management.privateKeys()),
    });
    return summarize(dredd, {
      only: process.env.DREDD_ONLY,
      goal: true,
      tables: [
        ['documented answers that cannot be produced from outside (test/contract/unreachable.cjs)', UNREACHABLE],
      ],
    });
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => (server.exitCode !== null ? r(null) : server.once('exit', r)));
    await Promise.allSettled([
      smtp.close(),
      tenant.close(),
      twilio.close(),
      new Promise((r) => mailbox.server.close(r)),
    ]);
    await db.destroy();
    await rm(uploads, { recursive: true, force: true });
  }
}

// `--server URL`: Dredd against a server QA runs, every fixture made through its API (test/contract/qa/).
const serverAt = process.argv.indexOf('--server');
const run =
  serverAt >= 0 || process.argv.includes('--help')
    ? import('./qa/server-run.js').then((qa) => qa.serverRun(process.argv.slice(2)))
    : main();

run.then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
