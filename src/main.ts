/** Starts the API: config → logger → services → app → listen; stops cleanly on SIGTERM/SIGINT. */
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { loadConfig, ConfigError, type Config } from './config/index.js';
import { createLogger } from './lib/logger.js';
import { createServices, composeApp } from './compose.js';
import { notImplementedOperations } from './api/router.js';

export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

export async function startApi(config: Config): Promise<{ server: Server; stop(): Promise<void> }> {
  const logger = createLogger(config.logLevel);
  const services = await createServices(config, logger);
  const { app, routes } = composeApp(services);
  const pending = notImplementedOperations(routes);
  const unknownSubjects = config.admin.unknownAbilitySubjects;
  if (unknownSubjects.length) logger.warn({ subjects: unknownSubjects }, 'the abilities file names subjects no admin operation checks');
  if (pending.length) logger.info({ operations: pending }, `${pending.length} operations answer 501 until built`);
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(config.http.port, config.http.host, () => resolve(s));
  });
  logger.info({ port: config.http.port, host: config.http.host }, 'barong API listening');
  return {
    server,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.close();
      logger.info('barong API stopped');
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
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
}
