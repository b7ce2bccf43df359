/**
 * The hooks' fixtures (the same shape run.ts makes in the database) made through a server's own API, as a user,
 * the superadmin and the management API would: users by the management API (or sign-up and the confirmation
 * mail without a management key), labels by the admin API, profiles, data storage, 2FA and API keys as the user.
 * Every address is tagged (`dredd+<tag>.<name>@<domain>`) and every user made is recorded for the clean-up.
 */
import { currentStep, codeAt, waitForStepAfter, type ServerClient, type Session } from './client.js';
import type { MailSource } from './mailbox.js';
import type { QaSettings } from './settings.js';

export const PASSWORD = 'Dr3dd-Fixture!Secret';

export interface Made {
  email: string;
  uid: string;
  password: string;
  otpSecret?: string;
}

export class FixtureBuilder {
  /** Every user this run made (the hooks' own sign-ups are found by address at the clean-up). */
  readonly users: Made[] = [];
  readonly skips: [string, string][] = [];

  constructor(
    private readonly client: ServerClient,
    private readonly settings: QaSettings,
    private readonly mail: MailSource,
    private readonly admin: Session,
  ) {}

  email(name: string): string {
    return `dredd+${this.settings.tag}.${name}@${this.settings.emailDomain}`;
  }

  /** As support.cjs phone(): the number in the run's area code. */
  phone(number: string): string {
    return number.replace(/1202(555\d{4})/, `1${this.settings.phoneArea}$1`);
  }

  /** An active user with a verified e-mail (level 1), as sign-up and confirmation leave one. */
  async user(name: string, password = PASSWORD): Promise<Made> {
    const email = this.email(name);
    let uid: string;
    if (this.client.hasManagement) {
      const res = await this.client.management(201, `user ${name}`, '/users', { email, password });
      uid = res.body.uid;
      await this.label(uid, 'email', 'verified');
    } else {
      uid = await this.signUp(email, password);
    }
    const made = { email, uid, password };
    this.users.push(made);
    return made;
  }

  private async signUp(email: string, password: string): Promise<string> {
    const res = await this.client.expect(201, `sign-up of ${email}`, 'POST', '/identity/users', {
      form: { email, password },
    });
    const until = Date.now() + 15_000;
    let token: string | undefined;
    while (!token && Date.now() < until) {
      const mail = (await this.mail.mails(email)).find((m) => /confirmation_token=/.test(m.text));
      token = mail && /confirmation_token=([^&\s"'<>]+)/.exec(mail.text)![1];
      if (!token) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    if (!token) throw new Error(`no confirmation mail to ${email} in ${this.mail.name}`);
    await this.client.expect(201, `confirmation of ${email}`, 'POST', '/identity/users/email/confirm_code', {
      form: { token: decodeURIComponent(token) },
    });
    return res.body.uid;
  }

  /**
   * A private label, recomputing level and state as the local fixtures' privateLabels.set does: by the management
   * API when there is a key (the admin API's label does not move a pending user to active), else by the superadmin.
   */
  async label(uid: string, key: string, value: string): Promise<void> {
    if (this.client.hasManagement) {
      await this.client.management(201, `label ${key} of ${uid}`, '/labels', { user_uid: uid, key, value });
      return;
    }
    await this.client.expect(200, `label ${key} of ${uid}`, 'POST', '/admin/users/labels', {
      form: { uid, key, value, scope: 'private' },
      session: this.admin,
    });
  }

  async session(user: Made): Promise<Session> {
    return this.client.login(user.email, user.password, user.otpSecret);
  }

  async profile(user: Made, form: Record<string, string>): Promise<void> {
    await this.client.expect(201, `profile of ${user.email}`, 'POST', '/resource/profiles', {
      form,
      session: await this.session(user),
    });
  }

  /**
   * Turns 2FA on as the user would (QR code, then a code) and lets `use` spend more codes (API keys): codes of
   * consecutive steps from the previous one, all within the server's ±1 step window, each step used once.
   */
  async twoFactor(user: Made, use?: (s: Session, code: () => Promise<string>) => Promise<void>): Promise<Made> {
    const s = await this.session(user);
    const qr = await this.client.expect(200, `QR code of ${user.email}`, 'POST', '/resource/otp/generate_qrcode', {
      session: s,
    });
    const secret = new URL(qr.body.data.url).searchParams.get('secret')!;
    // Leave room for three steps' codes before the window moves on.
    if (Date.now() / 1000 - currentStep() * 30 > 20) await waitForStepAfter(currentStep());
    let step = currentStep() - 1;
    const code = async () => {
      const c = await codeAt(secret, step);
      this.client.spentCode(user.email, step++);
      return c;
    };
    await this.client.expect(200, `2FA of ${user.email}`, 'POST', '/resource/otp/enable', {
      form: { code: await code() },
      session: s,
    });
    if (use) await use(s, code);
    user.otpSecret = secret;
    return user;
  }

  /** An API key of the user, made with a code (their 2FA is on). */
  async userKey(s: Session, code: () => Promise<string>): Promise<string> {
    const res = await this.client.expect(201, 'user API key', 'POST', '/resource/api_keys', {
      form: { algorithm: 'HS256', scope: 'read,trade', totp_code: await code() },
      session: s,
    });
    return res.body.kid;
  }

  async serviceAccount(ownerUid: string): Promise<string> {
    const res = await this.client.management(201, 'service account', '/service_accounts/create', {
      owner_uid: ownerUid,
      service_account_role: 'sa_maker', // the documented example: a role the seeded permissions name
    });
    return res.body.uid;
  }

  /** A key of a service account, made by its owner with a code. */
  async serviceAccountKey(s: Session, code: () => Promise<string>, saUid: string): Promise<string> {
    const res = await this.client.expect(201, 'service account key', 'POST', '/resource/service_accounts/api_keys', {
      form: { service_account_uid: saUid, algorithm: 'HS256', scope: 'trade', totp_code: await code() },
      session: s,
    });
    return res.body.kid;
  }

  /** A key of a service account by the management API (BARONG_MGN_API_KEYS_SA), or undefined when refused. */
  async managementKey(saUid: string): Promise<string | undefined> {
    const res = await this.client.managementCall('/api_keys', { uid: saUid, algorithm: 'HS256', scopes: 'trade' });
    return res.status === 201 ? res.body.kid : undefined;
  }

  /** A verified phone of the user, by the management API (as management-accounts-fixtures.ts inserts one). */
  async managementPhone(uid: string, number: string): Promise<void> {
    await this.client.management(201, `phone of ${uid}`, '/phones', { uid, number });
  }

  async role(uid: string, role: string): Promise<void> {
    await this.client.expect(200, `role of ${uid}`, 'POST', '/admin/users/role', {
      form: { uid, role },
      session: this.admin,
    });
  }

  /** A data storage record of the user; false when the server refuses the title. */
  async dataStorage(user: Made, title: string, data: string): Promise<boolean> {
    const res = await this.client.call('POST', '/resource/data_storage', {
      form: { title, data },
      session: await this.session(user),
    });
    return res.status === 201;
  }

  skip(keys: string[], reason: string): void {
    for (const key of keys) this.skips.push([key, reason]);
  }

  /** Whether the server erases a user made a moment ago (BARONG_ERASURE_HOLD_DAYS=0): tried on a user of its own. */
  async erasureHeld(): Promise<boolean> {
    const probe = await this.user('erasure-probe');
    const res = await this.client.call('POST', '/admin/users/erase', { form: { uid: probe.uid }, session: this.admin });
    return res.status !== 200;
  }

  async waitForDreddLogins(): Promise<void> {
    // Dredd's hooks log each 2FA fixture in with the current step's code: past every step the runner spent.
    await waitForStepAfter(this.client.latestSpentStep());
  }
}
