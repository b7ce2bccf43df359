/**
 * GET /admin/queues: the queue dashboard (Bull Board) for the mail and SMS queues, a browser page outside the
 * contract's base path, so its credential is the session cookie of a signed-in admin (a Bearer token works too).
 * In front of the board: the IP restrictions, the user guard, `read Queue` (board-access.ts), the same-origin rule
 * for writes and the admin in hand for the hooks (board-actions.ts), which check each write's ability and record it.
 * The board (board-app.ts) and its queues (src/queues/board-queues.ts, which redacts job data) are loaded on the
 * first request that passes those guards.
 */
import type { RequestHandler, Router } from 'express';
import cookieParser from 'cookie-parser';
import type { Abilities } from '../../domain/admin/abilities.js';
import type { AuthzPolicy } from '../../domain/authz/authz-policy.js';
import type { QueueBoardAudit } from '../../domain/admin/queue-board-audit.js';
import type { Logger } from '../../lib/logger.js';
import type { BoardQueue } from '../../queues/board-queues.js';
import { createRouter } from '../routing.js';
import { requestContext } from '../auth/auth-context.js';
import { boardHeaders, boardRestrictions, mayReadBoard, sameOriginWrites } from './board-access.js';
import { boardActor } from './board-actions.js';

export const QUEUE_BOARD_PATH = '/admin/queues';

export interface QueueBoardDeps {
  /** The queues as the board shows them, made on first use. */
  queues: () => Promise<BoardQueue[]>;
  /** The resource API's user guard, without its CSRF header rule: board-access.ts has the board's own. */
  user: RequestHandler;
  policy: Pick<AuthzPolicy, 'restrictionFor'>;
  abilities: () => Abilities;
  audit: QueueBoardAudit;
  logger: Logger;
}

/** The signed-in admin, for the hooks that run inside the board's handlers. */
const holdActor: RequestHandler = (req, _res, next) => {
  boardActor.run({ user: req.auth!.user!, ctx: requestContext(req) }, next);
};

export function createQueueBoard(d: QueueBoardDeps): Router {
  let board: Promise<RequestHandler> | undefined;
  const open = (): Promise<RequestHandler> =>
    (board ??= (async () => {
      const [queues, { createBoardApp }] = await Promise.all([d.queues(), import('./board-app.js')]);
      return createBoardApp(QUEUE_BOARD_PATH, queues, { abilities: d.abilities, audit: d.audit, logger: d.logger });
    })().catch((err: unknown) => {
      board = undefined; // the next request tries again
      throw err;
    }));
  const serveBoard: RequestHandler = async (req, res, next) => (await open())(req, res, next);

  const router = createRouter();
  router.use(
    QUEUE_BOARD_PATH,
    boardHeaders,
    boardRestrictions(d.policy),
    cookieParser(),
    d.user,
    mayReadBoard(d.abilities),
    sameOriginWrites,
    holdActor,
    serveBoard,
  );
  return router;
}
