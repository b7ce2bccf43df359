/**
 * GET /admin/queues: the queue dashboard (Bull Board) for the mail and SMS queues, a browser page outside the
 * contract's base path, so its credential is the session cookie of a signed-in admin (a Bearer token works too).
 * In front of the board: the IP restrictions, the user guard, `read Queue` (board-access.ts), the same-origin rule
 * for writes and the admin in hand for the hooks (board-actions.ts), which check each write's ability and record it.
 * The board reaches the queues through src/queues/board-queues.ts, which redacts job data.
 */
import type { Express, RequestHandler, Router } from 'express';
import cookieParser from 'cookie-parser';
import { createBullBoard } from '@bull-board/api';
import { ExpressAdapter } from '@bull-board/express';
import type { Abilities } from '../../domain/admin/abilities.js';
import type { AuthzPolicy } from '../../domain/authz/authz-policy.js';
import type { QueueBoardAudit } from '../../domain/admin/queue-board-audit.js';
import type { Logger } from '../../lib/logger.js';
import type { BoardQueue } from '../../queues/board-queues.js';
import { createRouter } from '../routing.js';
import { requestContext } from '../auth/auth-context.js';
import { boardHeaders, boardRestrictions, mayReadBoard, sameOriginWrites } from './board-access.js';
import { boardActor, boardHooks } from './board-actions.js';

export const QUEUE_BOARD_PATH = '/admin/queues';

export interface QueueBoardDeps {
  queues: BoardQueue[];
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

/**
 * The board's own Express app, run as Express runs a mounted app: its request and response prototypes hold only
 * while it handles the request, so a path it does not serve reaches the API's 404 as the API's request again.
 */
function asHandler(board: Express): RequestHandler {
  board.disable('x-powered-by');
  return (req, res, next) => {
    const [reqProto, resProto] = [Object.getPrototypeOf(req), Object.getPrototypeOf(res)];
    board(req, res, (err?: unknown) => {
      Object.setPrototypeOf(req, reqProto);
      Object.setPrototypeOf(res, resProto);
      next(err);
    });
  };
}

export function createQueueBoard(d: QueueBoardDeps): Router {
  const adapter = new ExpressAdapter().setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: d.queues,
    serverAdapter: adapter,
    options: {
      uiConfig: { boardTitle: 'Barong queues', hideDocsLink: true },
      handlerHooks: boardHooks({ abilities: d.abilities, audit: d.audit, logger: d.logger }),
    },
  });
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
    asHandler(adapter.getRouter() as Express),
  );
  return router;
}
