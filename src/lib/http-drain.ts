/**
 * Stopping an HTTP server without resetting a request. Node's own `server.close()` (Node ≥ 19) also destroys the
 * keep-alive connections that are idle at that instant; a client that has just written its next request on one of
 * them gets ECONNRESET or "socket hang up" instead of an answer. So the drain here:
 *
 * 1. stops accepting (the listening socket closes: new connections are refused);
 * 2. answers every request from then on, and every one in flight, with `Connection: close`, so each connection
 *    ends after its answer, from the server's side, which the client expects;
 * 3. after a short grace, in which busy keep-alive connections end that way, closes the connections still idle;
 * 4. waits for the requests in flight, at most `timeoutMs` from the start, then cuts what is left.
 */
import { Server as NetServer } from 'node:net';
import type { Server, ServerResponse } from 'node:http';

/** Longest wait for idle keep-alive connections to carry one more request (and be closed after it). */
const IDLE_GRACE_MS = 1000;

export interface DrainResult {
  /** Requests still unanswered when the timeout cut their connections. */
  cut: number;
}

export interface HttpDrain {
  /** Set once drain() has begun. */
  readonly draining: boolean;
  drain(timeoutMs: number): Promise<DrainResult>;
}

/** Call right after the server is created, so every request is known. */
export function trackForDrain(server: Server): HttpDrain {
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  const closeAfterAnswer = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  };
  // Before the app's own listener, so the header is set before any handler writes.
  server.prependListener('request', (_req, res: ServerResponse) => {
    if (draining) closeAfterAnswer(res);
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });

  return {
    get draining() {
      return draining;
    },
    async drain(timeoutMs) {
      draining = true;
      for (const res of inFlight) closeAfterAnswer(res);
      // net.Server's close, not http.Server's: only the listening socket, no connection yet. Its callback runs once
      // every connection has ended.
      const ended = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
      const timers: NodeJS.Timeout[] = [];
      const after = (ms: number) => new Promise<'timeout'>((r) => timers.push(setTimeout(() => r('timeout'), ms)));
      try {
        if ((await Promise.race([ended, after(Math.min(IDLE_GRACE_MS, timeoutMs))])) !== 'timeout') return { cut: 0 };
        server.closeIdleConnections();
        if ((await Promise.race([ended, after(Math.max(0, timeoutMs - IDLE_GRACE_MS))])) !== 'timeout')
          return { cut: 0 };
        const cut = inFlight.size;
        server.closeAllConnections();
        await ended;
        return { cut };
      } finally {
        for (const t of timers) clearTimeout(t);
      }
    },
  };
}
