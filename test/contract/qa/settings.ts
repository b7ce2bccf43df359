/**
 * What `npm run test:contract -- --server URL` reads from the environment: who the runner acts as on a server QA
 * runs, where it reads mail, and the domain of the run's tagged e-mail addresses. Read once, every problem listed.
 */
import { createPrivateKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const HELP = `npm run test:contract -- --server URL

Runs Dredd against a Barong server QA already runs (staging, a release candidate). Every fixture is made through
the server's own API, tagged dredd+<run>.<name>@<domain>, and erased (or, while the server holds erasures, banned)
at the end; what was cleaned is printed. Nothing with a server-wide effect is made: restrictions, permissions,
whitelinks and per-IP budgets are skipped with their reason, printed with the counts. The 95 % goal of the local
run cannot hold here: the run share is printed, and the run fails only on failures and errors.

Environment:
  DREDD_QA_ADMIN_EMAIL, DREDD_QA_ADMIN_PASSWORD   a superadmin of the server (required: the admin API's
                                                  transactions, labels, and the clean-up)
  DREDD_QA_ADMIN_OTP_SECRET                       its TOTP secret (base32), when its 2FA is on
  DREDD_QA_MANAGEMENT_KEY                         a management private key (PKCS#8 PEM, or a path to one)
  DREDD_QA_MANAGEMENT_SIGNER                      the signer name the server's management_api.yml gives its public
                                                  key (a mandatory signer of every scope). Without a key, users are
                                                  made by sign-up and e-mail confirmation, and the management API's
                                                  transactions are skipped
  DREDD_QA_MAILPIT                                a Mailpit HTTP API (http://host:8025) that catches the server's
                                                  mail; unset: the server's development inbox (/dev/inbox.json,
                                                  answered to loopback only), which also holds the codes of the
                                                  mock SMS provider
  DREDD_QA_EMAIL_DOMAIN                           the domain of the fixtures' addresses (default example.com)
  DREDD_ONLY                                      as in the local run: only transactions whose key contains it

Server settings the full run needs (each transaction they shut out is skipped, with the setting named):
  BARONG_USER_STORAGE_TITLES containing "personal", BARONG_MGN_API_KEYS_SA=true, BARONG_ERASURE_HOLD_DAYS=0
  (otherwise fixtures are banned, not erased, and the erase transaction is skipped), BARONG_PHONE_VERIFICATION=mock
  with the development inbox (the SMS codes). Without a management key, about 55 sign-ups from the runner's
  address: BARONG_SIGNUP_MAX_PER_IP above that.
`;

export interface ManagementKey {
  signer: string;
  algorithm: 'RS256' | 'ES256';
  pem: string;
}

export interface QaSettings {
  server: string;
  admin: { email: string; password: string; otpSecret?: string };
  management?: ManagementKey;
  mailpit?: string;
  emailDomain: string;
  /** The run's tag in every fixture's address. */
  tag: string;
  /** The run's area code in place of 202 in the hooks' numbers (support.cjs phone()). */
  phoneArea: string;
}

/** US area codes whose 555 numbers the server's phone rules accept, one picked per run. */
const AREAS = ['212', '213', '305', '312', '415', '503', '512', '617', '702', '713', '801', '206', '303', '404'].concat(
  ['469', '480', '510', '602', '614', '646', '703', '720', '804', '818', '858', '919', '971', '310', '408'],
);

function managementKey(e: NodeJS.ProcessEnv, problems: string[]): ManagementKey | undefined {
  const raw = e.DREDD_QA_MANAGEMENT_KEY;
  const signer = e.DREDD_QA_MANAGEMENT_SIGNER;
  if (!raw && !signer) return undefined;
  if (!raw || !signer) {
    problems.push('DREDD_QA_MANAGEMENT_KEY and DREDD_QA_MANAGEMENT_SIGNER go together');
    return undefined;
  }
  try {
    const pem = raw.includes('-----BEGIN') ? raw : readFileSync(raw, 'utf8');
    const key = createPrivateKey(pem);
    const algorithm = key.asymmetricKeyType === 'rsa' ? 'RS256' : key.asymmetricKeyType === 'ec' ? 'ES256' : undefined;
    if (!algorithm) problems.push('DREDD_QA_MANAGEMENT_KEY: an RSA (RS256) or P-256 (ES256) key');
    else return { signer, algorithm, pem: String(key.export({ type: 'pkcs8', format: 'pem' })) };
  } catch (err) {
    problems.push(`DREDD_QA_MANAGEMENT_KEY: ${(err as Error).message}`);
  }
  return undefined;
}

export function readSettings(argv: string[], e: NodeJS.ProcessEnv = process.env): QaSettings {
  const problems: string[] = [];
  const server = argv[argv.indexOf('--server') + 1];
  if (!server || !/^https?:\/\//.test(server)) problems.push('--server needs the URL of the server (http(s)://…)');
  if (!e.DREDD_QA_ADMIN_EMAIL || !e.DREDD_QA_ADMIN_PASSWORD)
    problems.push('DREDD_QA_ADMIN_EMAIL and DREDD_QA_ADMIN_PASSWORD: a superadmin of the server');
  const management = managementKey(e, problems);
  if (problems.length) throw new Error(`contract --server:\n  ${problems.join('\n  ')}\n\n${HELP}`);
  const tag = randomBytes(4).toString('hex');
  return {
    server: server!.replace(/\/+$/, ''),
    admin: {
      email: e.DREDD_QA_ADMIN_EMAIL!,
      password: e.DREDD_QA_ADMIN_PASSWORD!,
      ...(e.DREDD_QA_ADMIN_OTP_SECRET ? { otpSecret: e.DREDD_QA_ADMIN_OTP_SECRET } : {}),
    },
    ...(management ? { management } : {}),
    ...(e.DREDD_QA_MAILPIT ? { mailpit: e.DREDD_QA_MAILPIT.replace(/\/+$/, '') } : {}),
    emailDomain: e.DREDD_QA_EMAIL_DOMAIN || 'example.com',
    tag,
    phoneArea: AREAS[parseInt(tag, 16) % AREAS.length]!,
  };
}
