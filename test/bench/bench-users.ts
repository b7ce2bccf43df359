/** Users a benchmark needs, written straight through the app's services before its server starts. */
import { loadConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/lib/logger.js';
import { createServices } from '../../src/compose.js';
import { newUid } from '../../src/domain/accounts/uid.js';

export const BENCH_PASSWORD = 'B3nch-Fixture!Secret';

/** One user per entry, with BENCH_PASSWORD; level 1 when active. Resolves with their e-mails, in order. */
export async function createBenchUsers(
  env: NodeJS.ProcessEnv,
  users: { email: string; state: string }[],
): Promise<string[]> {
  const services = await createServices(loadConfig(env), createLogger('silent'));
  try {
    const passwordDigest = await services.hasher.hash(BENCH_PASSWORD);
    for (const { email, state } of users) {
      const uid = await newUid(services.uow.repos, services.config.app.uidPrefix);
      await services.uow.repos.users.insert({
        uid,
        email,
        passwordDigest,
        role: 'member',
        state,
        level: state === 'active' ? 1 : 0,
      });
    }
    return users.map((u) => u.email);
  } finally {
    await services.close();
  }
}
