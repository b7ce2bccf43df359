/**
 * Password login and logout, hardened (docs/security.md): attempts are throttled per account and IP; an
 * unknown e-mail costs the same hashing time, does the same work (deferred-requests.ts) and gets the same answer
 * as a wrong password; the account state
 * (banned, deleted …) is revealed only to someone who knows the password, unlike Barong, which checks state
 * first. 2FA users need a code, accepted once, under the same per-user budget as every other code (OtpCodes).
 */
import { AppError, forbidden, notFound, unauthorized } from '../../errors/app-error.js';
import type { LoginResult, Metrics } from '../../lib/metrics.js';
import type { User } from '../../db/repositories/users-repository.js';
import type { PasswordHasher } from '../password-hasher.js';
import type { UnitOfWork } from '../unit-of-work.js';
import type { CaptchaVerifier } from '../captcha/captcha.js';
import type { OtpCodes, OtpRefusalKeys } from '../otp/otp-codes.js';
import type { RequestContext } from '../accounts/request-context.js';
import { recordActivity } from '../accounts/activity-log.js';
import { deferRequest, LOGIN_FAILED } from '../accounts/deferred-requests.js';
import { recordSignIn, refuseInactive } from './sign-in.js';
import { accountKey, type AttemptLimiter } from './attempt-limiter.js';
import type { Session, SessionStore } from './session-store.js';

export interface LoginDeps {
  uow: UnitOfWork;
  hasher: PasswordHasher;
  codes: OtpCodes;
  captcha: CaptchaVerifier;
  throttle: AttemptLimiter;
  sessions: SessionStore;
  metrics: Pick<Metrics, 'logins'>;
}

/** `barong_login_results_total`: what a refusal's key says about the attempt. */
const RESULTS: Record<string, LoginResult> = {
  'identity.session.invalid_params': 'wrong_password', // an unknown e-mail too: the answer is the same
  'identity.session.too_many_attempts': 'locked',
  'identity.session.missing_otp': 'otp_required',
  'identity.session.invalid_otp': 'invalid_otp',
  'identity.session.banned': 'inactive',
  'identity.session.deleted': 'inactive',
  'identity.session.not_active': 'inactive',
  'identity.session.invalid_captcha_format': 'captcha_failed',
};

export function loginResultOf(err: unknown): LoginResult {
  if (!(err instanceof AppError)) return 'error';
  const key = err.keys[0] ?? '';
  return RESULTS[key] ?? (key.startsWith('identity.captcha.') ? 'captcha_failed' : 'error');
}

export interface Credentials {
  email: string;
  password: string;
  otp_code?: string;
  captcha_response?: unknown;
}

/** Barong's login answers a 2FA problem with 401 `missing_otp` or 403 `invalid_otp`; these join the 403s. */
const LOGIN_OTP_REFUSALS: OtpRefusalKeys = {
  reenrol: 'identity.session.otp_reenrol_required',
  unavailable: 'identity.session.otp_unavailable',
};

export class LoginService {
  constructor(private readonly d: LoginDeps) {}

  async login(input: Credentials, ctx: RequestContext): Promise<User> {
    try {
      const user = await this.attempt(input, ctx);
      this.d.metrics.logins.inc({ result: 'success' });
      return user;
    } catch (err) {
      this.d.metrics.logins.inc({ result: loginResultOf(err) });
      throw err;
    }
  }

  private async attempt(input: Credentials, ctx: RequestContext): Promise<User> {
    await this.d.captcha.check('session_create', input.captcha_response, ctx.ip);
    const repos = this.d.uow.repos;
    const user = await repos.users.findByEmail(input.email);
    const account = accountKey(user, input.email);
    await this.d.throttle.take(account, ctx.ip);
    const { ok, needsRehash } = user
      ? await this.d.hasher.verify(user.passwordDigest, input.password)
      : { ok: await this.d.hasher.verifyAgainstNothing(input.password), needsRehash: false };
    if (!user || !ok) {
      // The failed-login activity of a known user is written later, by the relay: both paths write one outbox row.
      await deferRequest(this.d.uow, LOGIN_FAILED, user, ctx);
      throw unauthorized('identity.session.invalid_params');
    }
    await refuseInactive(repos, ctx, user);
    let action = 'login';
    if (user.otp) {
      action = 'login::2fa';
      // Told before they type a code that cannot be checked (the password was right).
      this.d.codes.refuseUncheckable(user, LOGIN_OTP_REFUSALS.reenrol);
      if (!input.otp_code) throw unauthorized('identity.session.missing_otp');
      const accepted = await this.d.codes.accept(
        repos,
        user,
        input.otp_code,
        'identity.session.too_many_attempts',
        LOGIN_OTP_REFUSALS,
      );
      if (!accepted) {
        await recordActivity(repos, ctx, user.id, 'session', action, 'failed', 'OTP code is invalid');
        throw forbidden('identity.session.invalid_otp');
      }
    }
    // Independent of each other: side by side, so the answer waits for the slowest, not for their sum.
    await Promise.all([
      this.d.throttle.succeeded(account, ctx.ip),
      needsRehash && this.rehash(user, input.password),
      this.d.uow.run((w) => recordSignIn(w, ctx, user, action)),
    ]);
    return user;
  }

  private async rehash(user: User, password: string): Promise<void> {
    await this.d.uow.repos.users.update(user.id, { passwordDigest: await this.d.hasher.hash(password) });
  }

  async logout(session: Session | undefined, ctx: RequestContext): Promise<void> {
    const user = session ? await this.d.uow.repos.users.findByUid(session.uid) : undefined;
    if (!session || !user) throw notFound('identity.session.not_found');
    await recordActivity(this.d.uow.repos, ctx, user.id, 'session', 'logout', 'succeed');
    await this.d.sessions.destroy(session);
  }
}
