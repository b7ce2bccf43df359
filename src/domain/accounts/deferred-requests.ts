/**
 * Requests whose answer must not tell whether an e-mail is registered — a wrong login, a reset or confirmation
 * link request — do the same work before answering for every e-mail: one row written to the outbox, naming the
 * user when there is one. What differs (an activity row, a token, a mail) happens later, in the outbox relay
 * (src/events/command-consumer.ts), in a transaction that also marks the row done, so it happens exactly once and
 * survives a crash. The time of the answer therefore says nothing about the e-mail
 * (docs/parity.md#deferred-work-for-unknown-e-mails).
 */
import type { User } from '../../db/repositories/users-repository.js';
import type { UnitOfWork, Work } from '../unit-of-work.js';
import type { RequestContext } from './request-context.js';
import type { AccountLinks } from './account-links.js';
import { recordActivity } from './activity-log.js';

export const LOGIN_FAILED = 'internal.session.login.failed';
export const RESET_LINK_REQUESTED = 'internal.user.password.reset.requested';
export const CONFIRMATION_LINK_REQUESTED = 'internal.user.email.confirmation.requested';

export type DeferredRequestName =
  typeof LOGIN_FAILED | typeof RESET_LINK_REQUESTED | typeof CONFIRMATION_LINK_REQUESTED;

export interface DeferredRequest {
  /** Null when the e-mail belongs to nobody: the row is written all the same, and carried out as a no-op. */
  userId: number | null;
  context: RequestContext;
}

/** Writes the request's row (one short transaction), whoever the user is. */
export function deferRequest(
  uow: UnitOfWork,
  name: DeferredRequestName,
  user: User | undefined,
  ctx: RequestContext,
): Promise<void> {
  const request: DeferredRequest = {
    userId: user?.id ?? null,
    context: { ip: ctx.ip, userAgent: ctx.userAgent, country: ctx.country },
  };
  return uow.run(async (w) => w.emit(name, request as unknown as Record<string, unknown>));
}

export type DeferredRequestHandler = (w: Work, request: DeferredRequest) => Promise<void>;

/** What the relay does with each request, inside the transaction that marks its row done. */
export function deferredRequestHandlers(links: AccountLinks): Record<DeferredRequestName, DeferredRequestHandler> {
  const userOf = async (w: Work, request: DeferredRequest) =>
    request.userId === null ? undefined : w.repos.users.findById(request.userId);
  return {
    async [LOGIN_FAILED](w, request) {
      if (request.userId === null) return;
      await recordActivity(
        w.repos,
        request.context,
        request.userId,
        'session',
        'login',
        'failed',
        'Invalid Email or Password',
      );
    },
    async [RESET_LINK_REQUESTED](w, request) {
      const user = await userOf(w, request);
      if (user) await links.emitReset(w, user, request.context);
    },
    async [CONFIRMATION_LINK_REQUESTED](w, request) {
      const user = await userOf(w, request);
      // Barong parity: an active account gets no new confirmation link (and the answer was the same).
      if (user && user.state !== 'active') await links.emitConfirmation(w, user);
    },
  };
}
