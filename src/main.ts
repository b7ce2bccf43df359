/** The API process: starts the API (src/start-api.ts) and stops it cleanly on SIGTERM/SIGINT. */
import { loadConfigOrExit, startApi } from './start-api.js';

const config = loadConfigOrExit();
startApi(config).then(
  ({ stop }) => {
    const shutdown = () => void stop().then(() => process.exit(0));
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  },
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
