/** /identity users and sessions: sign-up, e-mail confirmation, password reset, login, logout. */
import type { RegistrationService } from '../../domain/accounts/registration-service.js';
import type { PasswordResetService } from '../../domain/accounts/password-reset-service.js';
import type { LoginService } from '../../domain/sessions/login-service.js';
import { linkMaySignIn } from '../../domain/sessions/sign-in.js';
import type { IpLimiter } from '../../domain/sessions/attempt-limiter.js';
import type { UserPresenter } from '../presenters/user-presenter.js';
import type { Handler } from '../types.js';
import { requestContext } from '../auth/auth-context.js';
import type { SessionCookie } from '../auth/session-cookie.js';
import type { SessionOpener } from './session-opener.js';

export interface IdentityDeps {
  registration: RegistrationService;
  passwordReset: PasswordResetService;
  login: LoginService;
  opener: SessionOpener;
  cookie: SessionCookie;
  presenter: UserPresenter;
  /** Sign-ups per client IP (Barong has no limit): taken before any work, so a flood never reaches argon2. */
  signUps: IpLimiter;
}

export function createIdentityHandlers(d: IdentityDeps) {
  const createUser: Handler<'createUser'> = async (req, res) => {
    const ctx = requestContext(req);
    await d.signUps.take(ctx.ip, 'identity.user.too_many_requests');
    const user = await d.registration.signUp(req.body, ctx);
    return { status: 201, body: await d.opener.open(req, res, user) };
  };

  const requestEmailConfirmation: Handler<'requestEmailConfirmation'> = async (req) => {
    await d.registration.requestConfirmation(req.body.email, req.body.captcha_response, requestContext(req));
    return { status: 201, body: {} };
  };

  const confirmEmail: Handler<'confirmEmail'> = async (req, res) => {
    const user = await d.registration.confirmEmail(req.body.token);
    if (!linkMaySignIn(user)) return { status: 201, body: d.presenter.summary(user) };
    return { status: 201, body: await d.opener.open(req, res, user) };
  };

  const requestPasswordReset: Handler<'requestPasswordReset'> = async (req) => {
    await d.passwordReset.request(req.body.email, req.body.captcha_response, requestContext(req));
    return { status: 201, body: {} };
  };

  const confirmPasswordReset: Handler<'confirmPasswordReset'> = async (req) => {
    const { reset_password_token, password, confirm_password } = req.body;
    await d.passwordReset.confirm(reset_password_token, password, confirm_password, requestContext(req));
    return { status: 201, body: {} };
  };

  const createSession: Handler<'createSession'> = async (req, res) => {
    const user = await d.login.login(req.body, requestContext(req));
    return { status: 201, body: await d.opener.open(req, res, user) };
  };

  const deleteSession: Handler<'deleteSession'> = async (req, res) => {
    await d.login.logout(req.auth?.session, requestContext(req));
    d.cookie.clear(res);
    return { status: 204, body: undefined };
  };

  return {
    createUser,
    requestEmailConfirmation,
    confirmEmail,
    requestPasswordReset,
    confirmPasswordReset,
    createSession,
    deleteSession,
  };
}
