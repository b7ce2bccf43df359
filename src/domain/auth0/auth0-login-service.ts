/**
 * Login with an Auth0 id_token (docs/parity.md#auth0-login-checks).
 * Unlike Barong, which skips both checks on this path, an
 * existing account must be in a state that may sign in (the same answers and failed activity as password
 * login), and an account with 2FA is refused with `identity.session.missing_otp`: the id_token proves the
 * e-mail, not the second factor, and this endpoint has no way to carry a code. Auth0 must report the e-mail as
 * verified for any sign-in (Barong checks it only when it creates the user, so an unverified token took over an
 * existing account), and the account is the one whose address matches exactly (UsersRepository.findByEmail), not
 * a look-alike. An unknown verified e-mail becomes a new active member.
 */
import { randomBytes } from 'node:crypto';
import type { Config } from '../../config/index.js';
import type { User } from '../../db/repositories/users-repository.js';
import { UniqueViolation } from '../../db/db-errors.js';
import { unauthorized, unprocessable } from '../../errors/app-error.js';
import type { PasswordHasher } from '../password-hasher.js';
import type { UnitOfWork } from '../unit-of-work.js';
import type { PrivateLabels } from '../labels/private-labels.js';
import type { RequestContext } from '../accounts/request-context.js';
import { recordActivity } from '../accounts/activity-log.js';
import { eventUser, userLanguage } from '../accounts/event-user.js';
import { emailErrors } from '../accounts/user-rules.js';
import { newUid } from '../accounts/uid.js';
import { recordSignIn, refuseInactive } from '../sessions/sign-in.js';
import { EMAIL_VERIFIED } from '../accounts/registration-service.js';
import { AUTH0_INVALID, auth0Rejected, type Auth0Identity, type Auth0TokenVerifier } from './auth0-token-verifier.js';

export interface Auth0LoginDeps {
  config: Config;
  /** Undefined when BARONG_AUTH0_CLIENT_ID or the tenant (domain or issuer URL) is not configured. */
  verifier: Auth0TokenVerifier | undefined;
  uow: UnitOfWork;
  hasher: PasswordHasher;
  privateLabels: PrivateLabels;
}

export class Auth0LoginService {
  constructor(private readonly d: Auth0LoginDeps) {}

  async login(idToken: string, ctx: RequestContext): Promise<User> {
    if (!this.d.verifier) throw unprocessable(AUTH0_INVALID);
    const identity = await this.d.verifier.verify(idToken);
    if (!identity.emailVerified || emailErrors(identity.email).length) throw auth0Rejected();
    const user = (await this.d.uow.repos.users.findByEmail(identity.email)) ?? (await this.signUp(identity, ctx));
    await this.refuseUnlessAllowed(user, ctx);
    await this.d.uow.run((w) => recordSignIn(w, ctx, user));
    return user;
  }

  private async refuseUnlessAllowed(user: User, ctx: RequestContext): Promise<void> {
    const repos = this.d.uow.repos;
    await refuseInactive(repos, ctx, user);
    if (user.otp) {
      await recordActivity(repos, ctx, user.id, 'session', 'login', 'failed', 'Auth0 login cannot carry the 2FA code');
      throw unauthorized('identity.session.missing_otp');
    }
  }

  /** A verified e-mail Auth0 vouches for becomes an active member with no usable password. */
  private async signUp(identity: Auth0Identity, ctx: RequestContext): Promise<User> {
    // Nobody knows this password: the account signs in through Auth0 or after a password reset.
    const passwordDigest = await this.d.hasher.hash(randomBytes(32).toString('base64url'));
    try {
      return await this.d.uow.run(async (w) => {
        const user = await w.repos.users.insert({
          uid: await newUid(w.repos, this.d.config.app.uidPrefix),
          email: identity.email,
          passwordDigest,
          username: null,
          role: 'member',
          state: 'pending',
          level: 0,
        });
        await recordActivity(w.repos, ctx, user.id, 'account', 'signup', 'succeed');
        w.emit(
          'model.user.created',
          { record: eventUser(user, null) },
          { email: user.email, language: userLanguage(user) },
        );
        return this.d.privateLabels.set(w, user, ...EMAIL_VERIFIED);
      });
    } catch (err) {
      // Two first logins of the same new account at once: the loser signs in to the winner's account.
      if (!(err instanceof UniqueViolation && err.columns.includes('email_key'))) throw err;
      const existing = await this.d.uow.repos.users.findByEmail(identity.email);
      if (!existing) throw err;
      return existing;
    }
  }
}
