/**
 * Bull Board itself: its Express app over the dashboard's queues, with the hooks of board-actions.ts. Loaded by
 * queue-board.ts on the first request that passes the board's guards, so an API process whose board is never
 * opened carries neither Bull nor Bull Board.
 */
import type { Express, RequestHandler } from 'express';
import { createBullBoard } from '@bull-board/api';
import { ExpressAdapter } from '@bull-board/express';
import type { BoardQueue } from '../../queues/board-queues.js';
import { boardHooks, type BoardHookDeps } from './board-actions.js';

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

export function createBoardApp(basePath: string, queues: BoardQueue[], hooks: BoardHookDeps): RequestHandler {
  const adapter = new ExpressAdapter().setBasePath(basePath);
  createBullBoard({
    queues,
    serverAdapter: adapter,
    options: {
      uiConfig: { boardTitle: 'Barong queues', hideDocsLink: true },
      handlerHooks: boardHooks(hooks),
    },
  });
  return asHandler(adapter.getRouter() as Express);
}
