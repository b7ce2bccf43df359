/**
 * The API process: starts the API (src/start-api.ts) and stops it cleanly on SIGTERM/SIGINT: the requests in
 * flight are answered (at most BARONG_SHUTDOWN_TIMEOUT), then the pools close and the process exits 0.
 */
import './config/thread-pool.js'; // first: sizes libuv's pool before anything starts it
import { loadConfigOrExit, startApi } from './start-api.js';
import { exitWhenIdle } from './lib/exit-when-idle.js';

/** Beyond the drain's own bound: closing the pools should take moments; a stop stuck there exits non-zero. */
const CLOSE_MARGIN_MS = 10_000;

const config = loadConfigOrExit();
startApi(config).then(
  ({ stop }) => {
    const shutdown = () => {
      setTimeout(() => {
        console.error('barong API: stop took too long; exiting');
        process.exit(1);
      }, config.http.shutdownTimeoutMs + CLOSE_MARGIN_MS).unref();
      stop().then(
        () => exitWhenIdle(0),
        (err: unknown) => {
          console.error(err instanceof Error ? err.message : err);
          exitWhenIdle(1);
        },
      );
    };
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  },
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
