/**
 * GET /dev/inbox (HTML) and /dev/inbox.json: the development inbox, outside the contract's base path. Built only
 * when config.devInbox (never in production), and answered only to clients on this machine: the check reads the
 * socket's remote address, not X-Forwarded-For, so a proxy in front cannot open it to the world. Anyone else gets
 * the 404 of a path that does not exist.
 */
import type { RequestHandler, Router } from 'express';
import type { DevInbox } from '../../lib/dev-inbox.js';
import { createRouter } from '../routing.js';
import { isLoopbackAddress } from './loopback.js';
import { renderDevInboxPage } from './dev-inbox-page.js';

export const DEV_INBOX_PATH = '/dev/inbox';

/** Inline styles only; forms post to this server's own API; nothing runs. */
const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const loopbackOnly: RequestHandler = (req, _res, next) =>
  isLoopbackAddress(req.socket.remoteAddress) ? next() : next('route');

export function createDevInboxRoutes(inbox: DevInbox, apiBase: string): Router {
  const router = createRouter();
  const noStore = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' };
  router.get(`${DEV_INBOX_PATH}.json`, loopbackOnly, async (_req, res) => {
    res.set(noStore).json({ messages: await inbox.list() });
  });
  router.get(DEV_INBOX_PATH, loopbackOnly, async (_req, res) => {
    const html = renderDevInboxPage(await inbox.list(), apiBase);
    res
      .set({ ...noStore, 'Content-Security-Policy': PAGE_CSP })
      .type('html')
      .send(html);
  });
  return router;
}
