/** Users and service accounts: ids, uids, e-mails and bcrypt digests kept as Barong has them. */
import { emailKey } from '../../../lib/email-key.js';
import { perRow, plain, timestamps, TIMESTAMPS } from '../table-spec.js';

export const users = perRow(
  {
    source: 'users',
    target: 'users',
    columns: [
      'id',
      'uid',
      'username',
      'email',
      'email_key',
      'password_digest',
      'role',
      'data',
      'level',
      'otp',
      'otp_vault_key',
      'state',
      'referral_id',
      ...TIMESTAMPS,
    ],
    checksum: ['id', 'uid', 'email', 'username', 'password_digest', 'role', 'level', 'otp', 'state', 'referral_id'],
  },
  (r, ctx) => {
    const otp = r.otp ? 1 : 0;
    return {
      id: Number(r.id),
      uid: String(r.uid),
      username: plain(r.username),
      email: String(r.email),
      email_key: emailKey(String(r.email)),
      // bcrypt, kept: the user signs in with the same password and is rehashed to argon2id at that login.
      password_digest: String(r.password_digest),
      role: String(r.role),
      data: plain(r.data),
      level: Number(r.level),
      otp,
      // Vault keeps a 2FA user's TOTP key (totp/keys/<app>_<uid>) and never gives it back: its name is all we carry.
      otp_vault_key: otp ? `${ctx.vaultTotpPrefix}_${r.uid}` : null,
      state: String(r.state),
      referral_id: plain(r.referral_id),
      ...timestamps(r),
    };
  },
);

export const serviceAccounts = perRow(
  {
    source: 'service_accounts',
    target: 'service_accounts',
    columns: ['id', 'uid', 'owner_id', 'email', 'role', 'level', 'state', ...TIMESTAMPS],
    checksum: ['id', 'uid', 'owner_id', 'email', 'role', 'level', 'state'],
  },
  (r) => ({
    id: Number(r.id),
    uid: String(r.uid),
    owner_id: plain(r.owner_id),
    email: String(r.email),
    role: String(r.role),
    level: Number(r.level),
    state: String(r.state),
    ...timestamps(r),
  }),
);
