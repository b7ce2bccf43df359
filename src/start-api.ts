/**
 * The API's start and stop, shared by its own entry (src/main.ts) and the worker's one-box mode
 * (`jobs/main.ts --with-api`): config → logger → services → app → listen; stop closes the server, then the services.
 */
import type { Server } from 'node:http';
import { loadConfig, ConfigError, type Config } from './config/index.js';
import { createLogger } from './lib/logger.js';
import { createServices, composeApp } from './compose.js';
import { notImplementedOperations } from './api/router.js';
import { startMetricsServer } from './api/operator/metrics-server.js';

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
  if (unknownSubjects.length)
    logger.warn({ subjects: unknownSubjects }, 'the abilities file names subjects no admin operation checks');
  if (!config.management.api) logger.info('management API off (no BARONG_MANAGEMENT_API_CONFIG): its paths answer 404');
  if (pending.length) logger.info({ operations: pending }, `${pending.length} operations answer 501 until built`);
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(config.http.port, config.http.host, () => resolve(s));
  });
  logger.info({ port: config.http.port, host: config.http.host }, 'barong API listening');
  // With --with-api the worker records into the same registry, so this one listener serves both.
  const metricsServer = await startMetricsServer(config, logger, services.metrics, 'api');
  return {
    server,
    async stop() {
      await metricsServer?.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.close();
      logger.info('barong API stopped');
    },
  };
}
