/**
 * The API's start and stop, shared by its own entry (src/main.ts) and the worker's one-box mode
 * (`jobs/main.ts --with-api`): config → logger → services → app → listen. Stop: readiness fails, no new connection
 * is accepted, the requests in flight are answered (at most BARONG_SHUTDOWN_TIMEOUT), then the pools close.
 */
import { createServer, type Server } from 'node:http';
import { loadConfig, ConfigError, type Config } from './config/index.js';
import { createLogger } from './lib/logger.js';
import { createServices, composeApp } from './compose.js';
import { notImplementedOperations } from './api/router.js';
import { DEV_INBOX_PATH } from './api/dev/dev-inbox-routes.js';

import { trackForDrain } from './lib/http-drain.js';
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

/** Where a browser on this machine opens the development inbox. */
export function devInboxUrl(config: Config): string {
  const { host, port } = config.http;
  const name = ['0.0.0.0', '::', '127.0.0.1', '::1'].includes(host)
    ? 'localhost'
    : host.includes(':')
      ? `[${host}]`
      : host;
  return `http://${name}:${port}${DEV_INBOX_PATH}`;
}

export async function startApi(config: Config): Promise<{ server: Server; stop(): Promise<void> }> {
  const logger = createLogger(config.logLevel);
  const services = await createServices(config, logger);
  let stopping = false;
  const { app, routes } = composeApp(services, { stopping: () => stopping });
  const pending = notImplementedOperations(routes);
  const unknownSubjects = config.admin.unknownAbilitySubjects;
  if (unknownSubjects.length)
    logger.warn({ subjects: unknownSubjects }, 'the abilities file names subjects no admin operation checks');
  if (!config.management.api) logger.info('management API off (no BARONG_MANAGEMENT_API_CONFIG): its paths answer 404');
  if (pending.length) logger.info({ operations: pending }, `${pending.length} operations answer 501 until built`);
  const server = createServer(app);
  const drain = trackForDrain(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject); // e.g. EADDRINUSE
    server.listen(config.http.port, config.http.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  logger.info({ port: config.http.port, host: config.http.host }, 'barong API listening');
  if (config.devInbox) logger.info(`dev inbox: ${devInboxUrl(config)} (this machine only)`);
  // With --with-api the worker records into the same registry, so this one listener serves both.
  const metricsServer = await startMetricsServer(config, logger, services.metrics, 'api');

  const { shutdownTimeoutMs } = config.http;
  let stopped: Promise<void> | undefined;
  return {
    server,
    stop() {
      stopped ??= (async () => {
        stopping = true;
        logger.info({ timeoutMs: shutdownTimeoutMs }, 'barong API stopping: finishing the requests in flight');
        await metricsServer?.close();
        const { cut } = await drain.drain(shutdownTimeoutMs);
        if (cut) logger.warn({ cut, timeoutMs: shutdownTimeoutMs }, 'shutdown timeout: unfinished requests cut');
        await services.close();
        logger.info('barong API stopped');
      })();
      return stopped;
    },
  };
}
