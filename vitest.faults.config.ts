import { defineConfig } from 'vitest/config';

/**
 * Fault drills (test/faults/, `npm run test:faults`): each starts the servers it breaks (MariaDB, Redis, SMTP,
 * RabbitMQ) on spare loopback ports. One file at a time: they kill and restart processes and wait out outages, and
 * running them side by side would only make each slower and its bounds looser.
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
    env: { NODE_ENV: 'test', LOG_LEVEL: 'silent' },
  },
});
